import { z } from 'zod';
import { Empty, mutation, query } from './define';
import { SafeName } from './names';

export const ProjectId = z.string().regex(/^prj_[0-9a-z]{10,40}$/, 'must be a project id like prj_…');

export const ProjectName = SafeName;

export const Project = z.object({
  id: ProjectId,
  name: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Project = z.infer<typeof Project>;

export const projectsCalls = {
  'projects.list': query(Empty, z.array(Project)),
  'projects.create': mutation(z.object({ name: ProjectName }).strict(), Project),
  'projects.rename': mutation(z.object({ id: ProjectId, name: ProjectName }).strict(), Project),
  'projects.delete': mutation(z.object({ id: ProjectId }).strict(), z.object({ id: ProjectId })),
} as const;

export const projectsEvents = {
  'projects.changed': z.object({
    kind: z.enum(['created', 'renamed', 'deleted']),
    project: Project,
  }),
} as const;

import { z } from 'zod';

/**
 * A drawing on one frame of a take, as vector data: arrows, boxes and freehand strokes. Coordinates
 * are fractions of the frame (0..1 from the top-left corner), so a drawing fits the frame at any
 * size it is shown. Small by construction: at most 50 shapes, a stroke at most 2,000 points.
 */
const Unit = z.number().min(0, 'must be within the frame (0 to 1)').max(1, 'must be within the frame (0 to 1)');
export const Point = z.object({ x: Unit, y: Unit }).strict();
export type Point = z.infer<typeof Point>;

/** A CSS hex colour (#rgb or #rrggbb). */
const Colour = z.string().regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'must be a hex colour like #ff3b30');

export const Shape = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('arrow'), from: Point, to: Point, color: Colour }).strict(),
  z.object({ kind: z.literal('box'), from: Point, to: Point, color: Colour }).strict(),
  z.object({ kind: z.literal('freehand'), points: z.array(Point).min(2, 'a stroke needs at least 2 points').max(2000, 'a stroke may have at most 2000 points'), color: Colour }).strict(),
]);
export type Shape = z.infer<typeof Shape>;
export type ShapeKind = Shape['kind'];

export const Drawing = z
  .object({ shapes: z.array(Shape).min(1, 'must hold at least one shape').max(50, 'may hold at most 50 shapes') })
  .strict();
export type Drawing = z.infer<typeof Drawing>;

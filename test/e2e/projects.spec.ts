import { expect, test } from '@playwright/test';
import { startHostProcess, tempDataDir } from './hostProcess';

// The first real slice through the browser host: create, list, rename, delete with confirmation,
// and everything still there after the host restarts.
test('projects: create, rename, delete, and survive a host restart', async ({ page }, testInfo) => {
  const data = tempDataDir();
  let host = await startHostProcess(data.dir);
  try {
    await page.goto(host.openUrl);
    await expect(page).toHaveURL(host.url); // the token is scrubbed from the address bar

    await page.getByLabel('Project name').fill('Spring spot');
    await page.getByRole('button', { name: 'Create project' }).click();
    // The form clears once the first create lands; typing before that loses the second name.
    await expect(page.getByRole('list', { name: 'Project list' }).getByRole('listitem')).toHaveCount(1);
    await page.getByLabel('Project name').fill('Teaser');
    await page.getByRole('button', { name: 'Create project' }).click();
    const list = page.getByRole('list', { name: 'Project list' });
    await expect(list.getByRole('listitem')).toHaveCount(2);
    await expect(page.getByRole('heading', { level: 1, name: 'Teaser' })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('projects-created.png') });

    // A duplicate name is refused with core's message, nothing created.
    await page.getByLabel('Project name').fill('spring SPOT');
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect(page.getByRole('alert')).toContainText('already exists');
    await expect(list.getByRole('listitem')).toHaveCount(2);

    await page.getByRole('button', { name: 'Rename Spring spot' }).click();
    await page.getByLabel('New name for Spring spot').fill('Spring spot — final');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(list.getByRole('button', { name: 'Spring spot — final', exact: true })).toBeVisible();

    // Delete asks first; Cancel keeps it, Delete removes it.
    await page.getByRole('button', { name: 'Delete Teaser' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete project “Teaser”?' });
    await expect(dialog).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('projects-confirm-delete.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(list.getByRole('listitem')).toHaveCount(2);
    await page.getByRole('button', { name: 'Delete Teaser' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect(list.getByRole('listitem')).toHaveCount(1);

    // Restart the host on the same data dir: the project is still there.
    await host.stop();
    host = await startHostProcess(data.dir);
    await page.goto(host.openUrl);
    await expect(list.getByRole('listitem')).toHaveCount(1);
    await expect(list.getByRole('button', { name: 'Spring spot — final', exact: true })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('projects-after-restart.png') });
  } finally {
    await host.stop();
    data.cleanup();
  }
});

test('another tab sees a change through the events socket', async ({ browser }) => {
  const data = tempDataDir();
  const host = await startHostProcess(data.dir);
  try {
    const a = await browser.newPage();
    const b = await browser.newPage();
    await a.goto(host.openUrl);
    await b.goto(host.openUrl);
    await expect(b.getByText('No projects yet')).toBeVisible();
    await a.getByLabel('Project name').fill('Live');
    await a.getByRole('button', { name: 'Create project' }).click();
    await expect(b.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'Live', exact: true })).toBeVisible();
  } finally {
    await host.stop();
    data.cleanup();
  }
});

test('a page without the token is told so', async ({ page }) => {
  const data = tempDataDir();
  const host = await startHostProcess(data.dir);
  try {
    await page.goto(host.url);
    await expect(page.getByRole('alert')).toContainText('token');
  } finally {
    await host.stop();
    data.cleanup();
  }
});

// Click-to-dial in a real browser: Call back in the timeline's row menu and the Call quick action
// on the Weborder, compiled from their TypeScript sources with the real base components and SLDS,
// at 300 px (a sidebar or a phone) and 1,000 px, English and Dutch. Screenshots in build/screenshots/.
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { SCREENSHOT_DIR as SHOTS } from '../harness/paths';
import { usePreviewSuite } from '../harness/preview-suite';

jest.setTimeout(240_000);

const preview = usePreviewSuite('c-call-timeline');
const open = (query: string, selector: string): Promise<Locator> =>
  preview.open(query, { selector, height: 1200 });
const state = <T>(pick: (state: RinkelPreviewState) => T): Promise<T> => preview.state(pick);

/** Nothing of the element reaches past its own box (no horizontal overflow anywhere inside). */
async function overflowing(root: Locator): Promise<string[]> {
  return root.evaluate((host) => {
    const box = host.getBoundingClientRect();
    const found: string[] = [];
    const visit = (node: Element | ShadowRoot) => {
      for (const child of Array.from(node.children)) {
        const r = child.getBoundingClientRect();
        if (r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1)) {
          found.push(`${child.tagName.toLowerCase()}.${(child as HTMLElement).className}`);
        }
        if (child.shadowRoot) visit(child.shadowRoot);
        visit(child);
      }
    };
    visit(host.shadowRoot ?? host);
    return found;
  });
}

describe('Call back in the timeline', () => {
  for (const width of [300, 1000]) {
    it(`dials a missed call from its row menu and says Rinkel rings the agent (${width} px)`, async () => {
      const timeline = await open(`calls=6&width=${width}`, 'c-call-timeline');
      const missed = timeline.locator('li.call').filter({ hasText: 'Missed' }).first();
      await missed.locator('lightning-button-menu button').click();
      await missed.getByRole('menuitem', { name: 'Call back' }).click();
      await expect(missed.getByRole('status').innerText()).resolves.toBe(
        'Rinkel is calling your phone. Answer it to be connected to 06 12345678.'
      );
      const requests = await state((s) => s.dialRequests);
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({ method: 'dialCall', recordId: 'a015g00000WO1234AA' });
      expect(await overflowing(timeline)).toEqual([]);
      await timeline.screenshot({ path: path.join(SHOTS, `telephony-call-back-${width}.png`) });
    });
  }

  it('offers Call back only on missed calls and voicemails, and only with the permission', async () => {
    const timeline = await open('calls=6&width=1000', 'c-call-timeline');
    const answered = timeline.locator('li.call').first();
    await answered.locator('lightning-button-menu button').click();
    await expect(answered.getByRole('menuitem', { name: 'Call back' }).count()).resolves.toBe(0);
    await preview.page.keyboard.press('Escape');
    const voicemail = timeline.locator('li.call').filter({ hasText: 'Voicemail' }).first();
    await voicemail.locator('lightning-button-menu button').click();
    await expect(voicemail.getByRole('menuitem', { name: 'Call back' }).count()).resolves.toBe(1);
    await preview.page.close();

    const without = await open('calls=6&width=1000&dial=0', 'c-call-timeline');
    const missed = without.locator('li.call').filter({ hasText: 'Missed' }).first();
    await missed.locator('lightning-button-menu button').click();
    await expect(missed.getByRole('menuitem', { name: 'Open task' }).count()).resolves.toBe(1);
    await expect(missed.getByRole('menuitem', { name: 'Call back' }).count()).resolves.toBe(0);
  });

  it('shows a refusal as an alert, in Dutch for a Dutch agent', async () => {
    const timeline = await open('calls=6&width=300&lang=nl&dialResult=refused', 'c-call-timeline');
    const missed = timeline.locator('li.call').filter({ hasText: 'Gemist' }).first();
    await missed.locator('lightning-button-menu button').click();
    await missed.getByRole('menuitem', { name: 'Terugbellen' }).click();
    await expect(missed.getByRole('alert').innerText()).resolves.toBe(
      'Rinkel heeft geen telefoon of app om voor je te laten overgaan. Log in op de Rinkel-app of webphone en probeer het opnieuw.'
    );
    expect(await overflowing(timeline)).toEqual([]);
    await timeline.screenshot({ path: path.join(SHOTS, 'telephony-call-back-refused-300-nl.png') });
  });
});

describe('Call action on the Weborder', () => {
  for (const width of [300, 1000]) {
    it(`dials the Weborder as the action opens, once, and closes (${width} px)`, async () => {
      const action = await open(`action=call&width=${width}&delay=1500`, 'c-rinkel-call-action');
      await expect(action.locator('.call-action-calling').innerText()).resolves.toContain(
        'Calling…'
      );
      await expect(
        action.locator('.call-action-placed').innerText({ timeout: 5000 })
      ).resolves.toBe('Rinkel is calling your phone. Answer it to be connected to 06 12345678.');
      expect(await state((s) => s.dialRequests)).toEqual([
        { method: 'dialRecord', recordId: 'a015g00000WO1234AA' }
      ]);
      expect(await overflowing(action)).toEqual([]);
      await action.screenshot({ path: path.join(SHOTS, `telephony-call-action-${width}.png`) });
      await action.getByRole('button', { name: 'Close' }).click();
      expect(await state((s) => s.actionClosed)).toBe(true);
    });
  }

  it('shows why nothing was dialled, in Dutch, at 300 px', async () => {
    const action = await open(
      'action=call&width=300&lang=nl&dialResult=refused',
      'c-rinkel-call-action'
    );
    await expect(action.getByRole('alert').innerText()).resolves.toBe(
      'Rinkel heeft geen telefoon of app om voor je te laten overgaan. Log in op de Rinkel-app of webphone en probeer het opnieuw.'
    );
    await expect(action.getByRole('button', { name: 'Sluiten' }).count()).resolves.toBe(1);
    expect(await overflowing(action)).toEqual([]);
    await action.screenshot({ path: path.join(SHOTS, 'telephony-call-action-refused-300-nl.png') });
  });
});

describe('Screen pop in the utility bar', () => {
  const ringSomeoneElse = () =>
    preview.page.evaluate(() =>
      window.__RINKEL__.emit({ Call_Id__c: 'other', Rinkel_User_Ids__c: 'someone-else' })
    );
  const ring = () =>
    preview.page.evaluate(() =>
      window.__RINKEL__.emit({
        Call_Id__c: '1c8b83a7c690084224ec3984515bc1a2',
        Event_Name__c: 'incomingCall',
        Rinkel_User_Ids__c: 'x;66ab605ddac0af208d5f0dab'
      })
    );

  for (const width of [300, 1000]) {
    it(`shows a call that rings for the agent with its records, one click opens one (${width} px)`, async () => {
      const pop = await open(`action=pop&width=${width}&match=2`, 'c-rinkel-screen-pop');
      await expect(pop.locator('.pop-waiting').innerText()).resolves.toBe(
        'No call right now. Calls that ring for you appear here.'
      );
      await ringSomeoneElse();
      await ring();
      await expect(pop.locator('.pop-headline').innerText()).resolves.toBe(
        'Incoming call from +31612345678'
      );
      expect(await state((s) => s.screenPop.requests)).toEqual([
        '1c8b83a7c690084224ec3984515bc1a2'
      ]);
      const records = pop
        .getByRole('list', { name: 'Records with this number' })
        .locator('button.record-open');
      await expect(records.count()).resolves.toBe(2);
      expect(await overflowing(pop)).toEqual([]);
      await pop.screenshot({ path: path.join(SHOTS, `telephony-screen-pop-${width}.png`) });
      await records.first().click();
      expect(await state((s) => s.navigations.at(-1))).toEqual({
        type: 'standard__recordPage',
        attributes: { recordId: 'a015g00000WO1234AA', actionName: 'view' }
      });
    });
  }

  it('offers a search for an unknown caller, in Dutch, at 300 px', async () => {
    const pop = await open('action=pop&width=300&match=0&lang=nl', 'c-rinkel-screen-pop');
    await ring();
    await expect(pop.locator('.pop-no-match').innerText()).resolves.toBe(
      'Geen record heeft dit nummer.'
    );
    const search = pop.locator('lightning-input.pop-search input');
    await search.fill('WO-13');
    await expect(
      pop.getByRole('list', { name: 'Zoekresultaten' }).locator('button.record-open').innerText()
    ).resolves.toBe('WO-1300');
    expect(await state((s) => s.screenPop.searches)).toContain('WO-13');
    expect(await overflowing(pop)).toEqual([]);
    await pop.screenshot({ path: path.join(SHOTS, 'telephony-screen-pop-search-300-nl.png') });
  });

  it('opens the one record by itself once the agent turned that on', async () => {
    const pop = await open('action=pop&width=300&match=1', 'c-rinkel-screen-pop');
    await pop.locator('lightning-input.pop-auto-open label').click();
    expect(await state((s) => s.screenPop.agent.autoOpen)).toBe(true);
    await ring();
    await preview.page.waitForFunction(() => window.__RINKEL__.navigations.length === 1);
    expect(await state((s) => s.navigations[0])).toEqual({
      type: 'standard__recordPage',
      attributes: { recordId: 'a015g00000WO1234AA', actionName: 'view' }
    });
  });
});

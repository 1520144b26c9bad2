import { tick } from 'svelte';
import type { FormState } from './form.svelte.ts';
import { t } from '../i18n/i18n.ts';

/**
 * An area is chosen with buttons and a map, not typed into one input the browser can
 * check, so its absence is reported here in the form's own summary, linked to the first button.
 */
export async function reportMissingArea(form: FormState, element: HTMLFormElement, target: string, label: string): Promise<void> {
  const message = t('aidArea.missing');
  form.clear();
  form.fields = { area: message };
  form.problem = { title: t('form.checkFields'), detail: undefined, items: [{ name: 'area', target, label, message }] };
  await tick();
  element.querySelector<HTMLElement>('.error-summary')?.focus();
}

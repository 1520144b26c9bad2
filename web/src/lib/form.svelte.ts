import { tick } from 'svelte';
import { asApiError, type ApiError } from './api.ts';
import { hasMessage, t } from '../i18n/i18n.ts';

export interface FieldProblem {
  name: string;
  /** The id of the input to focus, when the form has one for this field. */
  target: string | null;
  label: string;
  message: string;
}

export interface FormProblem {
  title: string;
  detail: string | undefined;
  items: FieldProblem[];
}

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

function controlOf(form: HTMLFormElement, name: string): Control | null {
  const found = form.elements.namedItem(name);
  if (found instanceof RadioNodeList) return (found[0] as Control | undefined) ?? null;
  return (found as Control | null) ?? null;
}

function labelOf(control: Control | null, fallback: string): string {
  if (!control) return fallback;
  const source = control.type === 'radio' ? control.closest('fieldset')?.querySelector('legend') : control.labels?.[0];
  return source?.dataset.label ?? source?.textContent?.trim() ?? fallback;
}

/** Server field names may be paths (`languages.0`); the form's input is the first part. */
function inputName(form: HTMLFormElement, key: string): string {
  if (controlOf(form, key)) return key;
  const head = key.split('.')[0]!;
  return controlOf(form, head) ? head : key;
}

/** Codes whose server detail says what the catalog cannot know (which groups, how long). */
const specificDetail = new Set(['last_coordinator', 'rate_limited', 'forbidden']);

export function problemTitle(err: ApiError): string {
  const key = `problem.${err.code}`;
  return hasMessage(key) ? t(key) : err.title;
}

/** The server's detail, unless the translated title already says it in the reader's language. */
export function problemDetail(err: ApiError): string | undefined {
  return hasMessage(`problem.${err.code}`) && !specificDetail.has(err.code) ? undefined : err.detail;
}

/**
 * The state of one form: field errors shown beside inputs, a summary on top that takes
 * focus when a submit fails, a busy flag against double submits, and a success message.
 */
export class FormState {
  fields = $state<Record<string, string>>({});
  problem = $state<FormProblem | null>(null);
  busy = $state(false);
  done = $state<string | null>(null);

  clear(): void {
    this.fields = {};
    this.problem = null;
    this.done = null;
  }

  async submit(event: SubmitEvent, action: () => Promise<string | void>): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    if (this.busy) return;
    this.clear();
    if (!form.checkValidity()) {
      this.#fromBrowser(form);
      await this.#focusSummary(form);
      return;
    }
    this.busy = true;
    try {
      const message = await action();
      if (typeof message === 'string') this.done = message;
    } catch (err) {
      this.fail(form, asApiError(err));
      await this.#focusSummary(form);
    } finally {
      this.busy = false;
    }
  }

  fail(form: HTMLFormElement, err: ApiError): void {
    const fields: Record<string, string> = {};
    for (const [key, message] of Object.entries(err.fields)) {
      const name = inputName(form, key);
      fields[name] = fields[name] ? `${fields[name]} ${message}` : message;
    }
    this.fields = fields;
    this.problem = { title: problemTitle(err), detail: problemDetail(err), items: this.#items(form, fields) };
  }

  #fromBrowser(form: HTMLFormElement): void {
    const fields: Record<string, string> = {};
    for (const element of Array.from(form.elements) as Control[]) {
      if (!element.name || !element.willValidate || element.validity.valid) continue;
      fields[element.name] ??= element.validationMessage;
    }
    this.fields = fields;
    this.problem = { title: t('form.checkFields'), detail: undefined, items: this.#items(form, fields) };
  }

  #items(form: HTMLFormElement, fields: Record<string, string>): FieldProblem[] {
    return Object.entries(fields).map(([name, message]) => {
      const control = controlOf(form, name);
      return { name, target: control?.id || null, label: labelOf(control, name), message };
    });
  }

  async #focusSummary(form: HTMLFormElement): Promise<void> {
    await tick();
    form.querySelector<HTMLElement>('.error-summary')?.focus();
  }
}

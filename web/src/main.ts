import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { applyLocale, chooseLocale } from './i18n/i18n.ts';
import { startRouter } from './lib/router.svelte.ts';
import { loadSession } from './lib/session.svelte.ts';

applyLocale(chooseLocale());
startRouter();
void loadSession();
mount(App, { target: document.getElementById('app')! });

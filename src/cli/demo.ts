import { Command } from 'commander';
import { createAccount, findUserByHandle } from '../accounts/service.ts';
import type { Me } from '../accounts/model.ts';
import type { Actor } from '../core/context.ts';
import { secretToken } from '../core/ids.ts';
import { acceptInvitation, createGroup, createInvitation, joinGroup } from '../groups/service.ts';
import type { NewGroup } from '../groups/model.ts';
import type { Config } from '../config.ts';
import type { Store } from '../store/store.ts';
import { cliCtx, configFrom, out, withStore } from './runtime.ts';

const people = [
  { handle: 'demo_ana', displayName: 'Ana (demo)' },
  { handle: 'demo_ben', displayName: 'Ben (demo)' },
  { handle: 'demo_chen', displayName: 'Chen (demo)' },
  { handle: 'demo_dara', displayName: 'Dara (demo)' },
] as const;

type Handle = (typeof people)[number]['handle'];

const groups = {
  foodShare: {
    coordinator: 'demo_ana',
    group: {
      name: 'Riverside Food Share',
      kind: 'working',
      visibility: 'public',
      joinPolicy: 'open',
      memberList: 'public',
      city: 'Riverside',
      meetingRhythm: 'Saturdays 10:00 at the community garden',
      description: 'We collect surplus food from markets and share it with **anyone** who needs it. Drop by; no sign-up sheet, no boss.',
    },
  },
  tenants: {
    coordinator: 'demo_ben',
    group: {
      name: 'Elm Street Tenants',
      kind: 'affinity',
      visibility: 'public',
      joinPolicy: 'request',
      memberList: 'members',
      city: 'Riverside',
      description: 'Neighbours in the Elm Street blocks, standing together on repairs and rent. Ask to join and tell us which building you live in.',
    },
  },
  medics: {
    coordinator: 'demo_chen',
    group: {
      name: 'Street Medics',
      kind: 'working',
      visibility: 'secret',
      joinPolicy: 'invitation',
      memberList: 'coordinators',
      city: 'Riverside',
      description: 'First aid at actions. Only people who were invited can see this group.',
    },
  },
} satisfies Record<string, { coordinator: Handle; group: NewGroup }>;

export function demoCommand(): Command {
  return new Command('demo')
    .description('add a few demo people and groups to look around')
    .addHelpText(
      'after',
      `
Creates the accounts ${people.map((p) => p.handle).join(', ')} with one random password
(printed once), an open group, a group you ask to join and a secret invitation-only
group, with members, a pending join request and a used invitation. Running it again
changes nothing. Meant for trying Blossom out, not for a public server.

Example:
  $ npx blossom demo && npm start`,
    )
    .action(async () => {
      const config = configFrom();
      await withStore(config, (store) => seedDemo(store, config));
    });
}

async function seedDemo(store: Store, config: Config): Promise<void> {
  const loginUrl = `${config.publicUrl?.replace(/\/$/, '') ?? `http://localhost:${config.port}`}/login`;
  const ctx = cliCtx(store, config);
  for (const person of people) {
    if (await findUserByHandle(ctx, person.handle)) {
      out(`The demo is already seeded (found ${person.handle}); nothing was changed.`);
      out(`Log in at ${loginUrl} as ${people.map((p) => p.handle).join(', ')}.`);
      out(`Forgot the password? npx blossom user reset-password ${person.handle}`);
      return;
    }
  }

  const password = `demo-${secretToken(12)}`;
  const actors = new Map<Handle, Actor>();
  for (const person of people) {
    const me: Me = await createAccount(ctx, { ...person, password });
    actors.set(person.handle, { userId: me.id, handle: me.handle, isAdmin: me.isAdmin });
  }
  const as = (handle: Handle) => cliCtx(store, config, actors.get(handle)!);

  const create = ({ coordinator, group }: { coordinator: Handle; group: NewGroup }) => createGroup(as(coordinator), group);
  const foodShare = await create(groups.foodShare);
  const tenants = await create(groups.tenants);
  const medics = await create(groups.medics);
  // Open group: people simply join. Request group: a request waits for the coordinator.
  await joinGroup(as('demo_ben'), foodShare.slug);
  await joinGroup(as('demo_chen'), foodShare.slug);
  await joinGroup(as('demo_dara'), tenants.slug, 'I live at number 12, second floor.');
  // Secret group: only an invitation link lets someone in.
  const invitation = await createInvitation(as('demo_chen'), medics.slug, { expiresInHours: 168, maxUses: 5 });
  await acceptInvitation(as('demo_ana'), invitation.token);

  out('Demo data is ready:');
  out(`  "${foodShare.name}" (open): demo_ana coordinates, demo_ben and demo_chen joined`);
  out(`  "${tenants.name}" (ask to join): demo_ben coordinates, demo_dara's request is waiting`);
  out(`  "${medics.name}" (secret, invitation only): demo_chen coordinates, demo_ana came by invitation`);
  out('');
  out(`Log in at ${loginUrl} as any of ${people.map((p) => p.handle).join(', ')}`);
  out(`with the password: ${password}`);
  out('(shown only now; these are real accounts, so do not seed a public server with them)');
}

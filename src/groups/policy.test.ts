import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canManage, canSeeGroup, canSeeMembers } from './policy.ts';
import type { MemberList, Role, Visibility } from './model.ts';
import { slugFromName, withRandomSuffix } from './slug.ts';

const group = (visibility: Visibility, memberList: MemberList = 'public') => ({ visibility, member_list: memberList });
const viewers: (Role | null)[] = [null, 'member', 'coordinator'];

describe('groups policy', () => {
  it('shows public and unlisted groups to anyone, secret ones to members only', () => {
    for (const role of viewers) {
      assert.equal(canSeeGroup(group('public'), role), true);
      assert.equal(canSeeGroup(group('unlisted'), role), true);
      assert.equal(canSeeGroup(group('secret'), role), role !== null);
    }
  });

  it('shows the member list as the group chose', () => {
    const expected: Record<MemberList, boolean[]> = {
      public: [true, true, true],
      members: [false, true, true],
      coordinators: [false, false, true],
    };
    for (const [list, answers] of Object.entries(expected) as [MemberList, boolean[]][]) {
      viewers.forEach((role, i) => assert.equal(canSeeMembers(group('public', list), role), answers[i], `${list} for ${role}`));
    }
  });

  it('never shows the members of a secret group to an outsider, even when the list is public', () => {
    assert.equal(canSeeMembers(group('secret', 'public'), null), false);
  });

  it('lets coordinators, and only them, manage', () => {
    assert.deepEqual(viewers.map(canManage), [false, false, true]);
  });
});

describe('slugs', () => {
  it('are lower-case words joined by dashes', () => {
    assert.equal(slugFromName('  Café Solidarité — Nord!  '), 'cafe-solidarite-nord');
    assert.equal(slugFromName('Группа'), 'group');
    assert.ok(slugFromName('x'.repeat(100)).length <= 60);
  });

  it('take a random suffix, not a counter', () => {
    assert.match(withRandomSuffix('name'), /^name-[a-z0-9]{6}$/);
    assert.notEqual(withRandomSuffix('name'), withRandomSuffix('name'));
  });
});

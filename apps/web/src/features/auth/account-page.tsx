import type { UserDto } from '@alliance/shared';
import { Page, Panel } from '../../components/layout.js';
import { ChangePasswordForm } from './change-password-form.js';
import { LogOutEverywhere } from './log-out-everywhere.js';

/** The signed-in person's account: who they are, their password, and their sessions. */
export function AccountPage({ user }: { user: UserDto }) {
  return (
    <Page width="narrow" title="Your account">
      <Panel title="You">
        <dl className="account-facts">
          <div>
            <dt>Name</dt>
            <dd>{user.name}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd>{user.email}</dd>
          </div>
        </dl>
      </Panel>
      <Panel title="Change your password">
        <ChangePasswordForm email={user.email} />
      </Panel>
      <Panel title="Log out everywhere">
        <LogOutEverywhere />
      </Panel>
    </Page>
  );
}

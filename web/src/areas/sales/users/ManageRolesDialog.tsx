import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { messageOf } from '../../../api/api-error';
import { changeRoles, listRoles, type SalesUser } from '../../../api/sales';
import { FormError } from '../../../components/FormError';
import { LoadingState } from '../../../components/LoadingState';
import { useReturnFocus } from '../../../components/useReturnFocus';

const useStyles = makeStyles({
  roles: { display: 'flex', flexDirection: 'column', maxHeight: '320px', overflowY: 'auto' },
  who: { marginBottom: tokens.spacingVerticalM },
});

/** Give or take away security roles for one user or many, all or nothing. */
export function ManageRolesDialog({
  users,
  onClose,
}: {
  users: SalesUser[];
  /** `done` says what changed, for the page to confirm it. */
  onClose(changed: boolean, done?: string): void;
}) {
  useReturnFocus();
  const styles = useStyles();
  const queryClient = useQueryClient();
  const roles = useQuery({ queryKey: ['sales', 'roles'], queryFn: listRoles });
  const [chosen, setChosen] = useState<string[]>([]);
  const names = users.map((u) => u.fullname ?? u.domainname);
  const change = useMutation({
    mutationFn: (action: 'assign' | 'remove') =>
      changeRoles(
        users.map((u) => u.systemuserid),
        chosen,
        action,
      ),
    onSuccess: async (result, action) => {
      await queryClient.invalidateQueries({ queryKey: ['sales', 'users'] });
      const roleNames = (roles.data ?? []).filter((r) => chosen.includes(r.roleid)).map((r) => r.name);
      const who = users.length === 1 ? names[0] : `${users.length} users`;
      const already = result.unchanged
        ? ` (${result.unchanged} ${action === 'assign' ? 'already had it' : 'did not have it'})`
        : '';
      onClose(
        true,
        `${roleNames.join(', ')} ${action === 'assign' ? 'given to' : 'taken from'} ${who}${already}.`,
      );
    },
  });
  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onClose(false)}>
      <DialogSurface aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>Security roles</DialogTitle>
          <DialogContent>
            <Text as="p" className={styles.who}>
              For {users.length === 1 ? names[0] : `${users.length} users`}
              {users.length > 1 && users.length <= 6 ? `: ${names.join(', ')}` : ''}. Roles add up: a user
              gets what any of their roles allows.
            </Text>
            {roles.isPending ? (
              <LoadingState label="Loading roles…" />
            ) : roles.isError ? (
              <FormError message={messageOf(roles.error)} title="The roles could not be loaded" />
            ) : (
              <>
                {/* A Field gives its one control its id; a group of checkboxes gets a labelled group instead. */}
                <Text as="h3" weight="semibold" id="roles-label">
                  Roles
                </Text>
                <div className={styles.roles} role="group" aria-labelledby="roles-label">
                  {roles.data.map((role) => (
                    <Checkbox
                      key={role.roleid}
                      label={role.name}
                      checked={chosen.includes(role.roleid)}
                      onChange={(_, d) =>
                        setChosen((c) =>
                          d.checked ? [...c, role.roleid] : c.filter((id) => id !== role.roleid),
                        )
                      }
                    />
                  ))}
                </div>
              </>
            )}
            <FormError message={change.error ? messageOf(change.error) : null} title="No role was changed" />
          </DialogContent>
          <DialogActions>
            <Button
              appearance="primary"
              disabled={chosen.length === 0 || change.isPending}
              onClick={() => change.mutate('assign')}
            >
              Assign
            </Button>
            <Button
              disabled={chosen.length === 0 || change.isPending}
              onClick={() => change.mutate('remove')}
            >
              Remove
            </Button>
            <Button onClick={() => onClose(false)}>Cancel</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

import { Button, Field, makeStyles, Select, Text, tokens } from '@fluentui/react-components';
import { PersonKeyRegular } from '@fluentui/react-icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { changeRoles, listRoles, listSalesUsers } from '../../../api/sales';
import { ConfirmDialog } from '../ConfirmDialog';

/** Roles that administer rather than use Sales; rule A1 wants one role besides them. */
const ADMINISTRATIVE = new Set(['System Administrator', 'System Customizer', 'Integration Administrator']);
/** Not for a person: the integration identity's role. */
const NOT_OFFERED = new Set([...ADMINISTRATIVE, 'Integration User']);

const useStyles = makeStyles({
  offer: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalM,
    alignItems: 'flex-end',
  },
});

function listAnd(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * Beside rule A1's refusal of the signed-in administrator: gives it the roles it lacks (System
 * Customizer, and a non-administrative role of its choice) with its own rights as System
 * Administrator, after a confirmation; then the step is checked again with the password already typed.
 * Shown only when the administrator of the step is the signed-in user and holds System Administrator.
 */
export function GiveAdminRoles({ upn, onGiven }: { upn: string; onGiven(given: string): void }) {
  const styles = useStyles();
  const user = useQuery({
    queryKey: ['sales', 'users', 'setup-admin', upn],
    queryFn: async () =>
      (await listSalesUsers({ search: upn, top: 10 })).value.find(
        (u) => u.domainname.toLowerCase() === upn.toLowerCase(),
      ) ?? null,
  });
  const roles = useQuery({ queryKey: ['sales', 'roles'], queryFn: listRoles });
  const [chosen, setChosen] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const give = useMutation({
    mutationFn: ({ userId, roleIds }: { userId: string; roleIds: string[] }) =>
      changeRoles([userId], roleIds, 'assign'),
  });

  const has = new Set((user.data?.roles ?? []).map((r) => r.name));
  if (!user.data || !roles.data || !has.has('System Administrator')) return null;
  const byName = new Map<string, string>();
  for (const role of roles.data) if (!byName.has(role.name)) byName.set(role.name, role.roleid);
  const ordinary = [...byName.keys()].filter((name) => !NOT_OFFERED.has(name)).sort();
  const needsOrdinary = ![...has].some((name) => !ADMINISTRATIVE.has(name));
  const ordinaryRole = chosen ?? (ordinary.includes('Sales Manager') ? 'Sales Manager' : ordinary[0]);
  const missing = [
    ...(has.has('System Customizer') ? [] : ['System Customizer']),
    ...(needsOrdinary && ordinaryRole ? [ordinaryRole] : []),
  ];
  if (missing.length === 0) return null;
  const label = `Give ${upn} ${listAnd(missing)}`;

  return (
    <div className={styles.offer}>
      {needsOrdinary ? (
        <Field label="Non-administrative role" hint="A role for working in Sales, besides administering it.">
          <Select value={ordinaryRole ?? ''} onChange={(_, d) => setChosen(d.value)}>
            {ordinary.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </Select>
        </Field>
      ) : null}
      <Button icon={<PersonKeyRegular />} onClick={() => setConfirming(true)}>
        {label}
      </Button>
      {confirming ? (
        <ConfirmDialog
          title="Give the roles?"
          confirmLabel="Give the roles"
          busy={give.isPending}
          error={give.error}
          onClose={() => {
            give.reset();
            setConfirming(false);
          }}
          onConfirm={() =>
            give.mutate(
              { userId: user.data!.systemuserid, roleIds: missing.map((name) => byName.get(name)!) },
              {
                onSuccess: () => {
                  setConfirming(false);
                  onGiven(`${listAnd(missing)} given to ${upn}`);
                },
              },
            )
          }
        >
          <Text as="p">
            {upn} gets {listAnd(missing)} in Sales. You give them with your own rights as System
            Administrator, as you would on the Sales users page; they stay after the setup.
          </Text>
          <Text as="p">Then the administrator is checked again, with the password you already typed.</Text>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

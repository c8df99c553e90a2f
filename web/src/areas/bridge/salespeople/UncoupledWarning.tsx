import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
} from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { COUPLING_KEY, getSalespeopleCoupling } from '../../../api/bridge';
import { AppLink } from '../../../components/AppLink';

/** Where a dismissal is remembered: the number of uncoupled users it was about. */
const DISMISSED_KEY = 'tandem.uncoupledWarningDismissed';

function dismissedCount(): number | null {
  try {
    const value = window.localStorage.getItem(DISMISSED_KEY);
    return value === null ? null : Number(value);
  } catch {
    return null;
  }
}

/**
 * "5 of 6 eligible Sales users are not coupled to a salesperson": shown once the connection is
 * enabled with users still uncoupled (their records cannot synchronise), on the setup's last page,
 * the Connection page and the home page, until they are coupled or the warning is dismissed. A
 * dismissal is remembered in this browser for that number of users; more uncoupled users warn again.
 */
export function UncoupledWarning({ enabled = true }: { enabled?: boolean }) {
  const coupling = useQuery({ queryKey: COUPLING_KEY, queryFn: getSalespeopleCoupling, enabled });
  const [dismissed, setDismissed] = useState(dismissedCount);
  const summary = coupling.data?.summary;
  if (!enabled || !summary || summary.uncoupledUsers === 0) return null;
  if (dismissed !== null && summary.uncoupledUsers <= dismissed) return null;
  const dismiss = () => {
    try {
      window.localStorage.setItem(DISMISSED_KEY, String(summary.uncoupledUsers));
    } catch {
      // Private browsing without storage: dismissed for this page only.
    }
    setDismissed(summary.uncoupledUsers);
  };
  return (
    <MessageBar intent="warning" layout="multiline" role="alert">
      <MessageBarBody>
        <MessageBarTitle>Sales users are not coupled</MessageBarTitle>
        {summary.uncoupledUsers} of {summary.eligibleUsers} eligible Sales users are not coupled to an ERP
        salesperson: records they own, and ERP records of salespeople not coupled, do not synchronise. Couple
        them on the <AppLink to="/admin/bridge/salespeople">Couple salespeople</AppLink> page.
      </MessageBarBody>
      <MessageBarActions
        containerAction={
          <Button
            appearance="transparent"
            icon={<DismissRegular />}
            aria-label="Dismiss"
            title="Dismiss"
            onClick={dismiss}
          />
        }
      />
    </MessageBar>
  );
}

import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
} from '@fluentui/react-components';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/api-error';

const unreachable = (error: unknown) => error instanceof ApiError && error.code === 'Unreachable';

/**
 * Whenever a request finds the server unreachable, every page says so at the top, even while it still
 * shows what it loaded before (which may then be out of date), until a request gets through again.
 */
export function UnreachableBanner() {
  const client = useQueryClient();
  const [down, setDown] = useState(false);
  useEffect(() => {
    const queries = client.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated') return;
      if (unreachable(event.query.state.fetchFailureReason)) setDown(true);
      else if (event.action.type === 'success') setDown(false);
    });
    const mutations = client.getMutationCache().subscribe((event) => {
      if (event.type !== 'updated') return;
      if (unreachable(event.mutation.state.error)) setDown(true);
      else if (event.mutation.state.status === 'success') setDown(false);
    });
    return () => {
      queries();
      mutations();
    };
  }, [client]);
  if (!down) return null;
  return (
    <MessageBar intent="error" role="alert" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>Tandem is not answering</MessageBarTitle>
        What this page shows may be out of date. Check that the server is running and your network connection.
      </MessageBarBody>
      <MessageBarActions>
        <Button onClick={() => void client.refetchQueries({ type: 'active' })}>Try again</Button>
      </MessageBarActions>
    </MessageBar>
  );
}

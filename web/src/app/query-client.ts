import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/api-error';

/**
 * One cache for the console. A refusal (4xx) is final, so it is not retried: the person sees the
 * server's message at once. Only unreachable servers and 5xx get one more try.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (failures, error) =>
          failures < 1 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
        refetchOnWindowFocus: false,
      },
    },
  });
}

import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { BrowserRouter } from 'react-router';
import { SessionProvider } from '../auth/session';
import { ConsoleRoutes } from './ConsoleRoutes';
import { createQueryClient } from './query-client';

/** Providers the whole console shares: theme, data cache, session, router. */
export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <FluentProvider theme={webLightTheme} style={{ minHeight: '100vh' }}>
      <QueryClientProvider client={queryClient}>
        <SessionProvider>
          <BrowserRouter>
            <ConsoleRoutes />
          </BrowserRouter>
        </SessionProvider>
      </QueryClientProvider>
    </FluentProvider>
  );
}

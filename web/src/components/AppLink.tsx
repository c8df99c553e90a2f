import { Link } from '@fluentui/react-components';
import type { MouseEvent, ReactNode } from 'react';
import { useHref, useNavigate } from 'react-router';

/** Navigates to `to` inside the console on a plain click; a real link otherwise (new tab, copy address). */
export function useClientNavigation(to: string) {
  const navigate = useNavigate();
  const href = useHref(to);
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    void navigate(to);
  };
  return { href, onClick };
}

/** A Fluent link to a console page. */
export function AppLink({ to, children }: { to: string; children: ReactNode }) {
  const link = useClientNavigation(to);
  return (
    <Link href={link.href} onClick={link.onClick}>
      {children}
    </Link>
  );
}

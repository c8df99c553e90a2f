import { useEffect, useLayoutEffect, type RefObject } from 'react';

/**
 * For a dialog the page mounts while it is open: when it closes, the focus goes back to the control
 * that opened it (the one focused when the dialog mounted), as long as that control is still on the
 * page; otherwise it would fall to the page's body and a keyboard user would start again from the top.
 */
export function useReturnFocus(): void {
  useLayoutEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => {
      // After the dialog has gone (and Fluent UI has finished with the focus).
      window.setTimeout(() => {
        if (!opener?.isConnected) return;
        const active = document.activeElement;
        if (active && active !== document.body && active.isConnected) return;
        opener.focus();
      }, 0);
    };
  }, []);
}

/**
 * Where a dialog's focus starts: `preferred` (e.g. Cancel in a destructive confirmation), or else
 * its first field or button when the focus is not inside it yet. Run after the dialog's portal is on
 * the page, which React's own autoFocus cannot wait for.
 */
export function useInitialFocus(
  surface: RefObject<HTMLElement | null>,
  preferred?: RefObject<HTMLElement | null>,
): void {
  useEffect(() => {
    const timer = window.setTimeout(() => {
      const inside = surface.current?.contains(document.activeElement) ?? false;
      if (preferred?.current) preferred.current.focus();
      else if (!inside)
        surface.current
          ?.querySelector<HTMLElement>('input, textarea, select, button:not([disabled])')
          ?.focus();
    }, 0);
    return () => window.clearTimeout(timer);
  }, [surface, preferred]);
}

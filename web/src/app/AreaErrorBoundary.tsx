import { Component, type ReactNode } from 'react';
import { ErrorState } from '../components/ErrorState';

/**
 * A page that failed to render (or whose chunk failed to load, e.g. after a new release) shows why
 * and offers a reload, instead of blanking the whole console.
 */
export class AreaErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state = { error: null as unknown };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override render() {
    if (this.state.error) {
      return (
        <ErrorState
          title="This page could not be shown"
          error={this.state.error}
          onRetry={() => window.location.reload()}
        />
      );
    }
    return this.props.children;
  }
}

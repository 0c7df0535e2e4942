import { Component, type ErrorInfo, type ReactNode } from 'react';

/**
 * Keeps a page's rendering error inside the page: the menu stays usable and the error is shown, instead of React
 * unmounting the whole app to a blank screen. Keyed by path in App, so navigating elsewhere starts afresh.
 */
export class PageErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('The page failed to render', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="page">
        <div className="banner error" role="alert" data-testid="page-error">
          <div><strong>This page failed to show</strong><div>{this.state.error.message}</div></div>
          <button onClick={() => location.reload()}>Reload</button>
        </div>
      </div>
    );
  }
}

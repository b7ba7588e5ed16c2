// The space-time model of one run lives in runner/runView.ts (a pool worker builds it next to the
// replay); the report layer re-exports it for its renderers.
export * from '../runner/runView.ts';

import type { WorkflowDefinition } from './definition';

/** One step of every type, with every kind of edge, as the server's canonical writer returns it. */
export const everyStepType: WorkflowDefinition = {
  id: 'all-types',
  name: 'All types',
  version: 1,
  inputs: [{ name: 'items', type: 'array', required: true }],
  steps: [
    { id: 'fetch', type: 'plugin', config: { plugin: 'http-request', inputs: { url: 'https://x' } }, next_steps: ['check'], on_failure: 'alert', timeout: '30s', retry: { max_retries: 5, backoff: 'exponential', base_delay: '1s', max_delay: '5m', jitter: true }, ui: { x: 0, y: 0 } },
    { id: 'check', type: 'condition', config: { cases: [{ when: '${{ steps.fetch.output.status == 200 }}', next: ['each'] }, { when: 'true', next: ['wait', 'again'] }], default: ['split'] }, ui: { x: 300, y: 0 } },
    { id: 'each', type: 'loop', config: { items: '${{ inputs.items }}', concurrency: 4, steps: [{ id: 'store', type: 'plugin', config: { plugin: 'noop' } }] }, next_steps: ['child'], ui: { x: 600, y: 0 } },
    { id: 'again', type: 'loop', config: { while: '${{ vars.page < 3 }}', max_iterations: 10, steps: [{ id: 'page', type: 'plugin', config: { plugin: 'noop' } }] }, set: { page: '${{ vars.page + 1 }}' }, ui: { x: 600, y: 120 } },
    { id: 'split', type: 'parallel', config: { mode: 'fail_fast', branches: [{ name: 'a', steps: [{ id: 'a1', type: 'plugin', config: { plugin: 'noop' } }] }, { name: 'b', steps: [] }] }, ui: { x: 600, y: 240 } },
    { id: 'wait', type: 'delay', config: { duration: '10m' }, next_steps: ['child'], ui: { x: 900, y: 0 } },
    { id: 'child', type: 'subworkflow', config: { workflow: 'other', version: 2, inputs: { a: 1 } }, ui: { x: 1200, y: 0 } },
    { id: 'alert', type: 'plugin', config: { plugin: 'log', inputs: { message: 'failed' } }, ui: { x: 300, y: 240 } },
  ],
};

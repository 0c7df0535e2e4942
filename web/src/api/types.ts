// Wire shapes of the OpenClaw API (snake_case, as the server writes them).

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface WorkflowSummary {
  id: string;
  name: string;
  description: string | null;
  status: string;
  version: number;
  updated_at: string;
}

export interface WorkflowRecord extends WorkflowSummary {
  definition: import('../workflow/definition').WorkflowDefinition;
  created_at: string;
}

export interface ValidationError {
  path: string;
  message: string;
  code: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: ValidationError[];
}

export type ExecutionStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Attempt {
  attempt: number;
  status: string;
  error: string | null;
  worker: string | null;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  /** What the plugin logged during the attempt (bounded). */
  logs?: LogEntry[] | null;
}

export interface LogEntry {
  time: string;
  level: string;
  message: string;
  [field: string]: unknown;
}

export interface StepRun {
  key: string;
  step_id: string;
  type: string;
  plugin: string | null;
  status: string;
  attempt: number;
  inputs: unknown;
  output: unknown;
  error: string | null;
  next: string[];
  run_at: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  attempts: Attempt[];
}

export interface Execution {
  id: string;
  workflow_id: string;
  workflow_version: number;
  status: ExecutionStatus;
  inputs: Record<string, unknown>;
  outputs: unknown;
  error: string | null;
  vars: unknown;
  priority: string;
  trigger: string;
  parent_execution_id: string | null;
  parent_step_key: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
  steps?: StepRun[] | null;
}

export interface ExecutionStarted {
  id: string;
  status: string;
  location: string;
}

export interface JsonSchemaProperty {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: string[];
}

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchemaProperty>;
  required?: string[];
}

export interface Plugin {
  name: string;
  version: string;
  source: 'built-in' | 'installed';
  status: 'enabled' | 'disabled';
  description: string;
  author: string;
  category: string;
  tags: string[];
  dependencies: string[];
  permissions: string[];
  digest: string | null;
  installed_at: string | null;
  updated_at: string | null;
  inputs?: JsonSchema;
  outputs?: JsonSchema;
}

export interface MarketplaceEntry {
  name: string;
  version: string;
  description?: string;
  author?: string;
  category?: string;
  tags?: string[];
  permissions?: string[];
  dependencies?: string[];
  source?: string;
  download_url?: string;
  [key: string]: unknown;
}

export interface Me {
  id: string;
  username: string;
  tenant_id: string;
  role: string;
  /** `user`, `api_key` or `client`. */
  kind?: string;
  permissions: string[];
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
}

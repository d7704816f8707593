/**
 * The `Prompter` port: how a flow shared by the CLI and the editor asks a person and shows what it
 * does. The CLI implements it on the terminal, the editor with quick picks, input boxes, modals and
 * a cancellable progress notification. A flow never decides how a question looks, only what it asks.
 */
import type { Confirmation } from '../core/deploy/rollback';

/** One choice of a pick. */
export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

/** A free-text question. */
export interface Question {
  title: string;
  prompt: string;
  /** The value offered (a suggestion, a default). */
  value?: string;
  /** Why a value is not acceptable, or null when it is. */
  validate?: (value: string) => string | null;
}

/** What a long piece of work is told: where to report what it is doing, and when it is cancelled. */
export interface ProgressScope {
  report: (message: string) => void;
  signal?: AbortSignal;
}

/** Asks a person and shows what a shared flow does (the terminal or the editor's native UI). */
export interface Prompter {
  /** One of `items`, or undefined when the person cancels. */
  pick<T>(title: string, items: readonly PickItem<T>[], options?: { placeHolder?: string }): Promise<T | undefined>;
  /** Yes (true) or no (false) to a confirmation naming what happens. */
  confirm(confirmation: Confirmation): Promise<boolean>;
  /** A typed answer, or undefined when the person cancels. */
  ask(question: Question): Promise<string | undefined>;
  /** Runs `work` while showing `title`; `signal` aborts when the person cancels. */
  progress<T>(title: string, work: (scope: ProgressScope) => Promise<T>): Promise<T>;
  /** Tells what the flow found, without asking (the terminal prints it, the editor logs it). */
  info(text: string): void;
}

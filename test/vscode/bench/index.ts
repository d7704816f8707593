import { runMochaSuite } from '../runMocha';

/** Entry point of the in-host benchmark (run by bench/host.mjs, never by npm test). */
export function run(): Promise<void> {
  return runMochaSuite(__dirname, 'bench');
}

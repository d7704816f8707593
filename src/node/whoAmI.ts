/** Who the user is: git's identity in the repository, else the OS user (decision logs, sign-offs). */
import { userInfo } from 'node:os';
import type { LocalGitRepo } from '../git/gitRepo';

/** Who the user is to git here, else the OS user. */
export async function whoAmI(repo: Pick<LocalGitRepo, 'identity'> | undefined): Promise<string> {
  const ident = await repo?.identity();
  if (ident) return ident;
  try {
    return userInfo().username;
  } catch {
    return 'unknown user';
  }
}

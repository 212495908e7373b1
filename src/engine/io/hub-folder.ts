/**
 * A Hugging Face Hub repository at one revision, as a folder of files.
 *
 * Resolution (repo, revision, token → the file's URL, size and ETag; "no such file" told apart from
 * "no such repo or revision" and from "not allowed") is @huggingface/hub's `fileDownloadInfo`, the
 * Hub's own client. @huggingface/transformers does this too, but its browser build imports a second
 * onnxruntime-web (its own pinned version) and rewrites ORT's global settings on import; docs/design.md
 * ("Hub loading") has the bundle measurement. The bytes are read with urlFile's Range reads (the
 * library's blob would return a whole file for a slice where a server ignores Range), through the
 * fetch given here, which is the caching, counting one in the page.
 * Files in Xet storage are read through the same resolve URL (the Hub redirects it to its Xet
 * bridge), not with the library's Xet reconstruction: one URL per file and revision is what the
 * browser cache keys on.
 */
import { fileDownloadInfo, HubApiError } from '@huggingface/hub';
import { InputError, type FileSource, type FolderSource } from '../types';
import { noHttpCache, urlFile } from './files.web';

export const HUB_URL = 'https://huggingface.co';

export interface HubRepo {
  /** owner/name */
  repo: string;
  /** Branch, tag or commit; "main" when empty. */
  revision?: string;
  /** A read token (hf_…), for gated and private repositories. */
  token?: string;
  /** The Hub's address; tests serve a Hub-layout repository from a local server. */
  hubUrl?: string;
  fetch?: typeof fetch;
  /** Told each file's size as it is resolved (for a download's total). */
  onFile?(path: string, size: number): void;
}

const REPO_ID = /^[\w.-]+\/[\w.-]+$/;

export function hubFolder(h: HubRepo): FolderSource {
  const repo = h.repo.trim();
  if (!REPO_ID.test(repo)) throw new InputError('repo id', `"${h.repo}" is not of the form owner/name (e.g. HuggingFaceTB/SmolLM2-135M)`);
  const revision = h.revision?.trim() || 'main';
  const token = h.token?.trim() || undefined;
  if (token && !token.startsWith('hf_'))
    throw new InputError('access token', 'a Hugging Face access token starts with "hf_" (Settings → Access Tokens on huggingface.co)');
  const hubUrl = (h.hubUrl ?? HUB_URL).replace(/\/$/, '');
  const where = `${repo}@${revision}`;
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const base = noHttpCache(h.fetch ?? fetch);
  return {
    name: repo,
    async open(path: string): Promise<FileSource | null> {
      // The Hub says why in a header (EntryNotFound, RevisionNotFound, RepoNotFound, GatedRepo); the library keeps only the status.
      let code: string | null = null;
      const f: typeof fetch = async (input, init) => {
        const res = await base(input, init);
        code = res.headers.get('X-Error-Code');
        return res;
      };
      let info;
      try {
        info = await fileDownloadInfo({ repo, path, revision, hubUrl, fetch: f, accessToken: token });
      } catch (e) {
        throw hubError(e, { where: `${where}/${path}`, repo, revision, hadToken: !!token, code });
      }
      if (!info) return null;
      h.onFile?.(path, info.size);
      return urlFile(info.url, { headers, fetch: h.fetch }, info.size);
    },
  };
}

interface HubFailure {
  where: string;
  repo: string;
  revision: string;
  hadToken: boolean;
  /** The Hub's X-Error-Code, when it sent one. */
  code: string | null;
}

/** The Hub's answer in words: which repo, revision or file, and what to do about it. */
export function hubError(e: unknown, f: HubFailure): Error {
  if (!(e instanceof HubApiError)) return e as Error;
  const status = `HTTP ${e.statusCode}`;
  if (f.code === 'RevisionNotFound')
    return new InputError(f.where, `${status}: ${f.repo} has no revision "${f.revision}" (a branch, tag or commit)`);
  if (f.code === 'RepoNotFound' || (e.statusCode === 404 && !f.code))
    return new InputError(
      f.where,
      f.hadToken
        ? `${status}: repository ${f.repo} not found (check the repo id, and that the token can read it)`
        : `${status}: repository ${f.repo} not found (check the repo id; a private repository needs an access token)`,
    );
  if (e.statusCode === 401 || e.statusCode === 403)
    return new InputError(
      f.where,
      f.hadToken
        ? `${status}: access denied with the token given: ${f.repo} is gated or private; accept its licence on huggingface.co with the token's account, and check the token has read access`
        : `${status}: access denied: ${f.repo} is gated or private; accept its licence on huggingface.co and give an access token (read scope)`,
    );
  return new InputError(f.where, `${status} from the Hub (${e.message})`);
}

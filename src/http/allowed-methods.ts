/**
 * The methods served at a path, for a 405's `Allow`: those of every operation whose path template the path fits,
 * segment by segment, a parameter fitting any non-empty segment and a literal only itself, as Hono's router matches
 * (so a trailing slash fits no template). A path may fit several templates (`/auth/tokens/me` fits `/auth/tokens/me`
 * and `/auth/tokens/{id}`), and each of their methods would be served there.
 *
 * Asked only once no route has matched, so a plain walk over the templates. Not a second Hono `TrieRouter`: one
 * holding the spec's templates beside the app's made the app's own matching about 8% slower at 16x the spec (two
 * builds loaded together on one core, Node 20, `--enable-source-maps`), though this one was never asked.
 */
export class AllowedMethods {
  private readonly templates: { segments: string[]; method: string }[] = [];

  add(method: string, pathTemplate: string): void {
    this.templates.push({ segments: pathTemplate.split('/'), method });
  }

  /** The methods served at `path` (as routed: percent-decoded, query left off), in the order they were added. */
  at(path: string): string[] {
    const segments = path.split('/');
    const methods = new Set<string>();
    for (const template of this.templates) if (fits(template.segments, segments)) methods.add(template.method);
    return [...methods];
  }
}

function fits(template: string[], segments: string[]): boolean {
  if (template.length !== segments.length) return false;
  return template.every((part, i) => (part.startsWith('{') ? segments[i] !== '' : part === segments[i]));
}

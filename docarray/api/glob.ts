/**
 * Glob patterns for `DocumentArray.fromFiles`: `*`, `?`, `**` (any folders), `{a,b}` and `[abc]`.
 *
 * @module
 */

/**
 * Splits a glob into the folder to walk (its part before the first wildcard) and a regex for paths relative to it.
 *
 * @example
 * ```ts
 * globToRegex("data/**\/*.txt"); // ["data", /^(?:.*\/)?[^/]*\.txt$/]
 * ```
 */
export function globToRegex(glob: string): [string, RegExp] {
  const parts = glob.split("/");
  const firstWild = parts.findIndex((part) => /[*?[{]/.test(part));
  const base = firstWild < 0 ? parts.slice(0, -1).join("/") : parts.slice(0, firstWild).join("/");
  const rest = firstWild < 0 ? (parts.at(-1) as string) : parts.slice(firstWild).join("/");
  let source = "";
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] as string;
    if (c === "*" && rest[i + 1] === "*") {
      source += rest[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += rest[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "{") {
      const close = rest.indexOf("}", i);
      source += `(?:${rest.slice(i + 1, close).split(",").map(escape).join("|")})`;
      i = close;
    } else if (c === "[") {
      const close = rest.indexOf("]", i);
      source += `[${rest.slice(i + 1, close).replace(/^!/, "^")}]`;
      i = close;
    } else source += escape(c);
  }
  return [base === "" ? (glob.startsWith("/") ? "/" : ".") : base, new RegExp(`^${source}$`)];
}

function escape(text: string): string {
  return text.replace(/[.+^$()|\\]/g, "\\$&");
}

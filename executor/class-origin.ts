/**
 * Where an Executor class comes from, so that a Flow given the class itself can still be saved as YAML with
 * `uses: ./file.ts#Class`. `@requests` and `bindRequests` note the file that declared them (from the call stack);
 * {@link moduleSpecifierOf} trusts that file only once importing it gives back the very class as an export.
 *
 * @module
 */
import { callerFile } from "../runtime/caller.ts";
import { fileUrl } from "../runtime/files.ts";
import { importModule } from "../runtime/typescript.ts";
import { classRecords, createRecordKind, recordExplicit, recordOnClass } from "./class-records.ts";

const originKind = createRecordKind<string>("jina-ts.origin");

/**
 * Notes the file being evaluated as the origin of the class a decorator is applied to.
 *
 * @example
 * ```ts
 * noteOriginOnClass(context.metadata, method); // in a method decorator
 * ```
 */
export function noteOriginOnClass(metadata: object | undefined, method: unknown): void {
  const file = callerFile();
  if (file) recordOnClass(originKind, metadata, method, [["module", file]]);
}

/**
 * Notes the file calling (e.g. `bindRequests(cls, ...)`) as the origin of `cls`.
 *
 * @example
 * ```ts
 * noteOrigin(Indexer);
 * ```
 */
export function noteOrigin(cls: object): void {
  const file = callerFile();
  if (file) recordExplicit(originKind, cls, [["module", file]]);
}

/**
 * `"<absolute file>#<export>"` for a class whose noted file exports it, else undefined. The file is imported to
 * check (it was imported already, so nothing runs again); files in `skip` are not (a script that is still running,
 * such as the one saving the flow, would wait on itself), nor is one whose import takes longer than 2 s.
 *
 * @example
 * ```ts
 * await moduleSpecifierOf(Encoder); // "/home/me/app/encoder.ts#Encoder"
 * ```
 */
export async function moduleSpecifierOf(cls: Function, skip: readonly (string | undefined)[] = []): Promise<string | undefined> {
  const file = classRecords(originKind, cls).get("module");
  if (!file || skip.includes(file)) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const imported = importModule(fileUrl(file)).catch(() => undefined) as Promise<Record<string, unknown> | undefined>;
  const module = await Promise.race([imported, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 2000)))]);
  clearTimeout(timer);
  const name = module ? Object.keys(module).find((key) => module[key] === cls) : undefined;
  return name === undefined ? undefined : `${file}#${name}`;
}

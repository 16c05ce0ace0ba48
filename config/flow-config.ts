/**
 * Flow YAML (Jina's v1 format): read, substitute variables, validate, resolve every `uses`, and check the graph
 * (`needs` that name no deployment, cycles, duplicate names), with errors at `file:line:col`.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { fileExists, resolveFrom } from "../runtime/mod.ts";
import { type LoadConfigOptions, resolveUses, type UsesContext } from "./executor-config.ts";
import type { ExecutorSpec } from "./executor-spec.ts";
import { nearestKey } from "./keys.ts";
import { type DeploymentYaml, flowSchema, type FlowWithYaml } from "./schema.ts";
import { configError, type KeyPath, readYamlSource, toPlainValue, type YamlSource } from "./source.ts";
import { substituteVariables } from "./variables.ts";
import { validate } from "./validate.ts";

/** What `uses`, `uses_before` and `uses_after` resolve to: a module specifier or an executor spec. */
export type ResolvedUses = string | ExecutorSpec;

/** One deployment of a Flow YAML, camelCase, with its `uses` resolved and how it joins the flow. */
export type DeploymentConfig = Omit<DeploymentYaml, "uses" | "usesBefore" | "usesAfter" | "jtype" | "method"> & {
  uses?: ResolvedUses;
  usesBefore?: ResolvedUses;
  usesAfter?: ResolvedUses;
  /** `add` (default), `needs` (a joiner) or `inspect`. */
  method: "add" | "needs" | "inspect";
};

/** The Flow's options: `with:` and the `gateway:` section merged (the gateway's win), camelCase. */
export type FlowConfigOptions = Omit<FlowWithYaml, "sslCertfile" | "sslKeyfile">;

/**
 * A loaded Flow YAML.
 *
 * @example
 * ```ts
 * const config = await loadFlowConfig("flow.yml");
 * config.deployments.map((d) => d.name); // ["encoder", "indexer"]
 * ```
 */
export interface FlowConfig {
  /** The file as given, or `<text>`. */
  file: string;
  options: FlowConfigOptions;
  deployments: DeploymentConfig[];
  /**
   * An error found later (by the Flow that the config builds), placed like the loader's own: `file:line:col`,
   * the key path (`executors[1]`, `with`), then its message; the code is kept. Without it (a config built in
   * code) errors stay as they are.
   */
  errorAt?(path: KeyPath, error: JinaError): JinaError;
  /** Which key the deployments came from: `executors` or its alias `deployments`. */
  deploymentsKey?: "executors" | "deployments";
}

function defaultName(method: DeploymentConfig["method"], index: number): string {
  return method === "needs" ? "joiner" : method === "inspect" ? "inspect" : `executor${index}`;
}

function toList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function checkGraph(source: YamlSource, key: string, deployments: DeploymentConfig[]): void {
  const names = deployments.map((deployment) => deployment.name!);
  const indexOf = new Map<string, number>();
  names.forEach((name, index) => {
    if (indexOf.has(name)) {
      throw configError(source.locate([key, index, "name"]), [key, index, "name"], `a deployment named "${name}" is already in the flow (${key}[${indexOf.get(name)}]): names must be unique`);
    }
    indexOf.set(name, index);
  });
  for (const [index, deployment] of deployments.entries()) {
    for (const need of toList(deployment.needs)) {
      if (need === "gateway" || indexOf.has(need)) continue;
      const near = nearestKey(need, ["gateway", ...names]);
      throw configError(
        source.locate([key, index, "needs"]),
        [key, index, "needs"],
        `"${need}" is not a deployment of this flow${near ? ` (did you mean "${near}"?)` : ""}; known: gateway, ${names.join(", ")}`,
      );
    }
  }
  // A cycle: follow needs from each deployment; coming back to it is a cycle.
  const needsOf = (name: string) => toList(deployments[indexOf.get(name)!]!.needs).filter((need) => need !== "gateway");
  for (const start of names) {
    const stack: string[][] = [[start]];
    const seen = new Set<string>();
    while (stack.length) {
      const trail = stack.pop()!;
      for (const need of needsOf(trail[trail.length - 1]!)) {
        if (need === start) {
          const index = indexOf.get(start)!;
          const cycle = [start, ...[...trail].reverse().slice(0, -1), start].reverse();
          throw configError(source.locate([key, index, "needs"]), [key, index, "needs"], `the needs form a cycle: ${cycle.join(" → ")}`);
        }
        if (!seen.has(need)) {
          seen.add(need);
          stack.push([...trail, need]);
        }
      }
    }
  }
  for (const [index, deployment] of deployments.entries()) {
    const later = toList(deployment.needs).find((need) => need !== "gateway" && indexOf.get(need)! > index);
    if (later) {
      throw configError(
        source.locate([key, index, "needs"]),
        [key, index, "needs"],
        `"${later}" comes later in ${key}: list a deployment after those it needs`,
      );
    }
  }
}

/**
 * Loads a Flow YAML file (or YAML text): size limit, parse, variables (`${{ ENV.X }}`, `${{ CONTEXT.X }}`, …),
 * zod validation, every `uses` resolved against the file's directory, the graph checked. Each error names
 * `file:line:col` and the key path.
 *
 * @example
 * ```ts
 * const config = await loadFlowConfig("flow.yml", { context: { replicas: 2 } });
 * config.options.protocol; // ["grpc", "http"]
 * ```
 */
export async function loadFlowConfig(pathOrText: string, options: LoadConfigOptions = {}): Promise<FlowConfig> {
  const source = readYamlSource(pathOrText, options);
  substituteVariables(source, options);
  const yaml = validate(flowSchema, toPlainValue(source), source);
  if (yaml.executors && yaml.deployments) {
    throw configError(source.locate(["deployments"], { key: true }), ["deployments"], "give executors or deployments (its alias), not both");
  }
  const key = yaml.deployments ? "deployments" : "executors";
  const modules = [...toList(yaml.modules), ...toList(yaml.pyModules)].map((module, index) => {
    const absolute = resolveFrom(source.dir, module);
    if (!fileExists(absolute)) {
      throw configError(source.locate(["modules", index]), ["modules", index], `no such module ${absolute}`, ErrorCode.NotFound);
    }
    return absolute;
  });
  const items = yaml.deployments ?? yaml.executors ?? [];
  // Jina imports every py_modules it meets, and a class imported once is known by name everywhere after: the
  // modules of each inline `uses: { jtype, py_modules }` also serve a bare class name in another deployment (as in
  // Jina's own yaml-spec example, where `uses: CustomExec` is "located in executor.py" named by the first one).
  for (const item of items) {
    if (typeof item === "string") continue;
    for (const uses of [item.uses, item.usesBefore, item.usesAfter]) {
      if (uses === undefined || typeof uses === "string") continue;
      const named = [...toList(uses.modules), ...toList(uses.pyModules), ...toList(uses.metas?.modules), ...toList(uses.metas?.pyModules)];
      for (const module of named.map((module) => resolveFrom(source.dir, module))) {
        if (fileExists(module) && !modules.includes(module)) modules.push(module);
      }
    }
  }
  const deployments: DeploymentConfig[] = [];
  for (const [index, item] of items.entries()) {
    const entry: DeploymentYaml = typeof item === "string" ? { uses: item } : item;
    const { uses, usesBefore, usesAfter, jtype: _jtype, method = "add", ...rest } = entry;
    const context = (field: string): UsesContext => ({ source, path: [key, index, ...(typeof item === "string" ? [] : [field])], modules, options });
    const resolved: DeploymentConfig = { ...rest, name: rest.name ?? defaultName(method, index), method };
    for (const [field, value] of [["uses", uses], ["usesBefore", usesBefore], ["usesAfter", usesAfter]] as const) {
      if (value === undefined) continue;
      const spec = await resolveUses(value, context(field));
      if (spec !== undefined) resolved[field] = spec;
    }
    deployments.push(resolved);
  }
  checkGraph(source, key, deployments);
  const { sslCertfile, sslKeyfile, ...withOptions } = yaml.with ?? {};
  const { jtype: _gateway, sslCertfile: gatewayCert, sslKeyfile: gatewayKey, ...gateway } = yaml.gateway ?? {};
  const given = gateway.tls ?? withOptions.tls;
  const cert = gatewayCert ?? sslCertfile ?? given?.cert;
  const key_ = gatewayKey ?? sslKeyfile ?? given?.key;
  if ((cert === undefined) !== (key_ === undefined)) {
    const section = gatewayCert !== undefined || gatewayKey !== undefined || gateway.tls !== undefined ? "gateway" : "with";
    throw configError(source.locate([section], { key: true }), [section], "give both ssl_certfile and ssl_keyfile (or tls: { cert, key })");
  }
  // TLS files, like every path in the YAML, resolve against its directory.
  const tls = cert !== undefined && key_ !== undefined ? { tls: { cert: resolveFrom(source.dir, cert), key: resolveFrom(source.dir, key_) } } : {};
  return {
    file: source.file,
    options: { ...withOptions, ...gateway, ...tls },
    deployments,
    errorAt: (path, error) => configError(source.locate(path, { key: true }), path, error.rawMessage, error.code),
    deploymentsKey: key,
  };
}

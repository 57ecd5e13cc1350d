import { type Static, type TObject, Type } from "@fastify/type-provider-typebox";

/**
 * A request body that may be left out (`POST …/approve` with or without `{note}`). Fastify validates a
 * missing body as null, which `Type.Optional` does not admit, so the schema admits null; one JSON
 * Schema `type` list keeps the 400 for a bad field to the one message naming it.
 */
export function optionalBody<T extends TObject>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: ["object", "null"] });
}

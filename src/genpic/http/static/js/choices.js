// The server's lists of choices. The page spells none of them: aspect ratios, formats and
// styles come from the OpenAPI document, models and edit operations from /v1/models, so the
// page always offers exactly what this deployment accepts.

import { getJSON } from "./api.js";

const ENUM_FIELDS = ["aspect_ratio", "output_format", "enhancement_style"];

function resolve(doc, schema) {
  let current = schema;
  while (current && current.$ref) {
    const path = current.$ref.replace(/^#\//, "").split("/");
    current = path.reduce((node, part) => (node ? node[part] : undefined), doc);
  }
  return current;
}

// The enum a property schema allows, looking through $ref, anyOf/oneOf/allOf and array items.
function enumOf(doc, schema) {
  const node = resolve(doc, schema);
  if (!node) return null;
  if (Array.isArray(node.enum)) return node.enum;
  if (node.const !== undefined) return [node.const];
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    for (const part of node[key] || []) {
      const found = enumOf(doc, part);
      if (found) return found;
    }
  }
  return node.items ? enumOf(doc, node.items) : null;
}

/**
 * Return {aspect_ratio, output_format, enhancement_style}, each {values, default}.
 *
 * A list the document does not describe is missing, and its control keeps the page's default.
 */
export async function loadEnums() {
  const doc = await getJSON("openapi.json");
  // The request schema may sit in components or inline in a route's requestBody: walk it all.
  const found = {};
  const seen = new Set();
  const visit = (node) => {
    if (!node || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    for (const [name, property] of Object.entries(node.properties || {})) {
      if (ENUM_FIELDS.includes(name) && !found[name]) {
        const values = enumOf(doc, property);
        if (values && values.length) found[name] = { values, default: property.default ?? values[0] };
      }
    }
    for (const child of Object.values(node)) visit(child);
  };
  visit(doc);
  return found;
}

/** Return the image models this deployment allows: GET /v1/models' entries, `edit` on each edit service. */
export async function loadModels() {
  const body = await getJSON("v1/models");
  return body.data || [];
}

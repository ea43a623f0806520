// Checks a CloudFormation template (YAML, short-form tags) against the CloudFormation resource specification that
// @aws-cdk/aws-service-spec carries (its db.json.gz): every resource type exists; every property, nested ones too,
// is one the type has, of its type; every required property is there; every Ref, GetAtt (also inside Sub) names a
// parameter, a pseudo parameter, a resource, or an attribute the resource type has; every condition used exists.
// Prints JSON: {errors: [...], template: the template with its tags in long form}. Usage: node validate.mjs FILE.yaml
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parse } from 'yaml';

const here = path.dirname(new URL(import.meta.url).pathname);
const db = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(here, 'node_modules', '@aws-cdk', 'aws-service-spec', 'db.json.gz'))).toString('utf8'));
const resourceTypes = new Map(db.schema.resource.entities.map(r => [r.cloudFormationType, r]));
const typeDefinitions = new Map(db.schema.typeDefinition.entities.map(t => [t.$id, t]));

// The short-form tags, read as the long form CloudFormation gives them.
const tag = (name, long, split) => ['scalar', 'seq', 'map'].map(kind => ({
  tag: `!${name}`, collection: kind === 'scalar' ? undefined : kind,
  resolve: value => {
    const v = value && typeof value.toJSON === 'function' ? value.toJSON() : value;
    return { [long]: split && typeof v === 'string' ? v.split('.') : v };
  },
  identify: () => false,
}));
const customTags = [
  ...tag('Ref', 'Ref'), ...tag('GetAtt', 'Fn::GetAtt', true), ...tag('Sub', 'Fn::Sub'), ...tag('Join', 'Fn::Join'),
  ...tag('If', 'Fn::If'), ...tag('Equals', 'Fn::Equals'), ...tag('Not', 'Fn::Not'), ...tag('And', 'Fn::And'), ...tag('Or', 'Fn::Or'),
  ...tag('Select', 'Fn::Select'), ...tag('Split', 'Fn::Split'), ...tag('FindInMap', 'Fn::FindInMap'), ...tag('GetAZs', 'Fn::GetAZs'),
  ...tag('ImportValue', 'Fn::ImportValue'), ...tag('Base64', 'Fn::Base64'), ...tag('Cidr', 'Fn::Cidr'), ...tag('Condition', 'Condition'),
];
const file = process.argv[2];
const template = parse(fs.readFileSync(file, 'utf8'), { customTags: customTags.map(t => t.collection ? { ...t } : { ...t, collection: undefined }) });

const errors = [];
const pseudo = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);
const parameters = template.Parameters ?? {};
const resources = template.Resources ?? {};
const conditions = template.Conditions ?? {};
const allowedTop = new Set(['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Transform', 'Resources', 'Outputs']);
for (const key of Object.keys(template)) if (!allowedTop.has(key)) errors.push(`top level: unknown section ${key}`);

const isIntrinsic = v => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1
  && (Object.keys(v)[0] === 'Ref' || Object.keys(v)[0].startsWith('Fn::'));

function checkRef(name, where) {
  if (!(name in parameters) && !(name in resources) && !pseudo.has(name)) errors.push(`${where}: Ref ${name} names no parameter or resource`);
}
function checkGetAtt(logical, attribute, where) {
  const resource = resources[logical];
  if (!resource) { errors.push(`${where}: GetAtt ${logical}.${attribute}: no resource ${logical}`); return; }
  const spec = resourceTypes.get(resource.Type);
  if (spec && !(attribute in (spec.attributes ?? {}))) errors.push(`${where}: GetAtt ${logical}.${attribute}: ${resource.Type} has no attribute ${attribute} (it has ${Object.keys(spec.attributes ?? {}).join(', ')})`);
}
// Every intrinsic anywhere: its references.
function walkIntrinsics(value, where) {
  if (Array.isArray(value)) { value.forEach((v, i) => walkIntrinsics(v, `${where}[${i}]`)); return; }
  if (value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'Ref' && typeof v === 'string') checkRef(v, where);
    else if (key === 'Fn::GetAtt') {
      const [logical, ...rest] = Array.isArray(v) ? v : String(v).split('.');
      checkGetAtt(logical, rest.join('.'), where);
    } else if (key === 'Fn::Sub') {
      const text = Array.isArray(v) ? v[0] : v;
      const locals = Array.isArray(v) && v[1] ? Object.keys(v[1]) : [];
      for (const m of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const name = m[1];
        if (locals.includes(name)) continue;
        if (name.includes('.') && !pseudo.has(name)) { const [logical, ...rest] = name.split('.'); checkGetAtt(logical, rest.join('.'), where); }
        else checkRef(name, where);
      }
    } else if (key === 'Fn::If') {
      if (!Array.isArray(v) || !(v[0] in conditions)) errors.push(`${where}: Fn::If names no condition ${Array.isArray(v) ? v[0] : v}`);
    } else if (key === 'Condition' && typeof v === 'string' && where.includes('Conditions') && !(v in conditions)) errors.push(`${where}: Condition ${v} does not exist`);
    walkIntrinsics(v, `${where}.${key}`);
  }
}

function checkType(value, type, where) {
  if (isIntrinsic(value)) return;
  switch (type.type) {
    case 'string': case 'date-time':
      if (!['string', 'number', 'boolean'].includes(typeof value)) errors.push(`${where}: expected a string, got ${JSON.stringify(value).slice(0, 60)}`);
      return;
    case 'number': case 'integer':
      if (!(typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value))))) errors.push(`${where}: expected a number, got ${JSON.stringify(value)}`);
      return;
    case 'boolean':
      if (!(typeof value === 'boolean' || value === 'true' || value === 'false')) errors.push(`${where}: expected a boolean, got ${JSON.stringify(value)}`);
      return;
    case 'json': case 'null': return;
    case 'tag':
      checkObject(value, { Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' }, required: true } }, where);
      return;
    case 'array':
      if (!Array.isArray(value)) { errors.push(`${where}: expected a list`); return; }
      value.forEach((v, i) => checkType(v, type.element, `${where}[${i}]`));
      return;
    case 'map':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) { errors.push(`${where}: expected a map`); return; }
      for (const [k, v] of Object.entries(value)) checkType(v, type.element, `${where}.${k}`);
      return;
    case 'ref': {
      const definition = typeDefinitions.get(type.reference.$ref);
      checkObject(value, definition.properties, `${where}`, definition.name);
      return;
    }
    case 'union': {
      const before = errors.length;
      for (const t of type.types) {
        const mark = errors.length;
        checkType(value, t, where);
        if (errors.length === mark) { errors.length = before; return; }
        errors.length = mark;
      }
      errors.push(`${where}: matches none of its types`);
      return;
    }
    default:
      return;
  }
}
function checkObject(value, properties, where, typeName = '') {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) { errors.push(`${where}: expected an object${typeName ? ' ' + typeName : ''}`); return; }
  for (const [name, property] of Object.entries(properties ?? {}))
    if (property.required && !(name in value)) errors.push(`${where}: required property ${name} is missing`);
  for (const [name, v] of Object.entries(value)) {
    const property = (properties ?? {})[name];
    if (!property) { errors.push(`${where}: ${typeName || 'it'} has no property ${name}`); continue; }
    const type = property.type ?? property.previousTypes?.[0];
    if (type) checkType(v, type, `${where}.${name}`);
  }
}

for (const [logical, resource] of Object.entries(resources)) {
  const where = `Resources.${logical}`;
  const spec = resourceTypes.get(resource.Type);
  if (!spec) { errors.push(`${where}: unknown resource type ${resource.Type}`); continue; }
  for (const key of Object.keys(resource))
    if (!['Type', 'Properties', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata', 'CreationPolicy', 'UpdatePolicy'].includes(key)) errors.push(`${where}: unknown attribute ${key}`);
  checkObject(resource.Properties ?? {}, spec.properties, `${where}.Properties`, resource.Type);
  for (const dependency of [].concat(resource.DependsOn ?? [])) if (!(dependency in resources)) errors.push(`${where}: DependsOn ${dependency} is no resource`);
  if (resource.Condition && !(resource.Condition in conditions)) errors.push(`${where}: condition ${resource.Condition} does not exist`);
  walkIntrinsics(resource.Properties ?? {}, `${where}.Properties`);
}
walkIntrinsics(template.Outputs ?? {}, 'Outputs');
walkIntrinsics(template.Conditions ?? {}, 'Conditions');
process.stdout.write(JSON.stringify({ errors, template }));

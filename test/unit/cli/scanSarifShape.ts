// Hand-written check of what SARIF 2.1.0 and GitHub code scanning require of a log (no network,
// no schema download): the required properties of sarifLog, run, tool, reportingDescriptor,
// result, location, artifactLocation and region, with their types and value ranges.
import assert from 'node:assert/strict';

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `${where} must be an object`);
  return value as Json;
}

function array(value: unknown, where: string): unknown[] {
  assert.ok(Array.isArray(value), `${where} must be an array`);
  return value;
}

function nonEmptyString(value: unknown, where: string): string {
  assert.ok(typeof value === 'string' && value.length > 0, `${where} must be a non-empty string`);
  return value;
}

function positiveInteger(value: unknown, where: string): number {
  assert.ok(Number.isInteger(value) && (value as number) >= 1, `${where} must be an integer >= 1`);
  return value as number;
}

function message(value: unknown, where: string): void {
  nonEmptyString(object(value, where).text, `${where}.text`);
}

export function assertValidSarif(log: unknown): void {
  const root = object(log, 'log');
  assert.equal(root.version, '2.1.0');
  nonEmptyString(root.$schema, '$schema');
  assert.match(root.$schema as string, /sarif.*2\.1\.0.*\.json$/);
  const runs = array(root.runs, 'runs');
  assert.equal(runs.length, 1, 'GitHub accepts one run per tool');
  const run = object(runs[0], 'runs[0]');
  const driver = object(object(run.tool, 'tool').driver, 'tool.driver');
  assert.equal(driver.name, 'Airlock');
  assert.doesNotThrow(() => new URL(nonEmptyString(driver.informationUri, 'driver.informationUri')));
  nonEmptyString(driver.version, 'driver.version');
  const rules = array(driver.rules, 'driver.rules').map((r, i) => object(r, `rules[${i}]`));
  const ids = new Set<string>();
  rules.forEach((rule, i) => {
    const id = nonEmptyString(rule.id, `rules[${i}].id`);
    assert.ok(!ids.has(id), `rule id ${id} is unique`);
    ids.add(id);
    message(rule.shortDescription, `rules[${i}].shortDescription`);
    message(rule.help, `rules[${i}].help`);
    assert.ok((rule.shortDescription as Json & { text: string }).text.length <= 1024, 'GitHub truncates long short descriptions');
    if (rule.properties) {
      const severity = (rule.properties as Json)['security-severity'];
      if (severity !== undefined) assert.ok(/^\d+(\.\d+)?$/.test(severity as string) && Number(severity) <= 10, 'security-severity is 0..10');
    }
  });
  const results = array(run.results, 'results');
  results.forEach((r, i) => {
    const result = object(r, `results[${i}]`);
    const ruleId = nonEmptyString(result.ruleId, `results[${i}].ruleId`);
    assert.ok(ids.has(ruleId), `results[${i}].ruleId refers to a rule`);
    if (result.ruleIndex !== undefined) assert.equal((rules[result.ruleIndex as number] as Json).id, ruleId);
    assert.ok(['none', 'note', 'warning', 'error'].includes(result.level as string), `results[${i}].level`);
    message(result.message, `results[${i}].message`);
    const locations = array(result.locations, `results[${i}].locations`);
    assert.ok(locations.length >= 1, 'GitHub requires a location');
    const physical = object(object(locations[0], 'location').physicalLocation, 'physicalLocation');
    const artifact = object(physical.artifactLocation, 'artifactLocation');
    const uri = nonEmptyString(artifact.uri, 'artifactLocation.uri');
    if (artifact.uriBaseId !== undefined) {
      assert.equal(artifact.uriBaseId, '%SRCROOT%');
      assert.ok(!uri.startsWith('/') && !/^[a-z]+:/i.test(uri), 'a based uri is relative');
    }
    assert.ok(!/[\s\\]/.test(uri), 'uri is encoded and uses forward slashes');
    const region = object(physical.region, 'region');
    const startLine = positiveInteger(region.startLine, 'region.startLine');
    const startColumn = positiveInteger(region.startColumn, 'region.startColumn');
    const endLine = positiveInteger(region.endLine, 'region.endLine');
    const endColumn = positiveInteger(region.endColumn, 'region.endColumn');
    assert.ok(endLine > startLine || (endLine === startLine && endColumn > startColumn), 'region is not empty or reversed');
    const fingerprints = object(result.partialFingerprints, 'partialFingerprints');
    for (const value of Object.values(fingerprints)) nonEmptyString(value, 'fingerprint');
  });
}

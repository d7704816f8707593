// The parts of the semver package the code uses, imported one by one: `import * as semver from 'semver'` bundles
// all of it (ranges included, about 15 KB the extension's activation would parse for nothing). Import this module
// as `semver` (`import * as semver from './semver'`); add a function here when one is needed.
export { default as SemVer } from 'semver/classes/semver';
export { default as diff } from 'semver/functions/diff';
export { default as eq } from 'semver/functions/eq';
export { default as gt } from 'semver/functions/gt';
export { default as inc } from 'semver/functions/inc';
export { default as parse } from 'semver/functions/parse';
export { default as rcompare } from 'semver/functions/rcompare';
export { default as valid } from 'semver/functions/valid';

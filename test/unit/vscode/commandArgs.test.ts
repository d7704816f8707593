import assert from 'node:assert/strict';
import { argRecord, booleanField, isTreeNode, stringField } from '../../../src/vscode/commandArgs';

describe('command arguments (narrowed by each command)', () => {
  it('reads fields of the right type and ignores the others', () => {
    const arg = { root: '/r', confirm: false, from: 3, to: ['x'] };
    assert.equal(stringField(arg, 'root'), '/r');
    assert.equal(booleanField(arg, 'confirm'), false);
    assert.equal(stringField(arg, 'from'), undefined);
    assert.equal(stringField(arg, 'to'), undefined);
    assert.equal(booleanField(arg, 'root'), undefined);
  });

  it('treats anything that is not an object as no fields', () => {
    for (const arg of [undefined, null, 'root', 42, ['root']]) assert.deepEqual(argRecord(arg), {}, String(arg));
    assert.equal(stringField('root', 'length'), undefined);
  });

  it('tells a tree node from plain arguments by its kind', () => {
    assert.equal(isTreeNode({ kind: 'environment', root: '/r' }), true);
    assert.equal(isTreeNode({ root: '/r', environment: 'prod' }), false);
    assert.equal(isTreeNode(undefined), false);
  });
});

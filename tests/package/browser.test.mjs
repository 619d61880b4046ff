// Hook for the browser packaging fixture, which comes with the browser issue:
// pack with packTarball(), install a page with installFixture() (helpers.mjs),
// serve it and load it in Chromium (playwright-core), as node.test.mjs and
// worker.test.mjs do for Node and Workers. Until then this file only says so.
import { test } from "node:test";

test.todo("a browser page imports the packed package by name and computes a segment (browser issue)");

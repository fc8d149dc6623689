#!/usr/bin/env node
// Compiles every contract with proton-asc into <contract>/target/.
// proton-asc prints "Build Done" and writes an ABI even when compilation fails, so
// this script trusts only the exit code, starts each contract from an empty target/
// (no stale .wasm can survive a failed build) and checks both outputs exist.
"use strict"
const { spawnSync } = require("child_process")
const fs = require("fs")
const path = require("path")

const root = path.resolve(__dirname, "..")
const contracts = process.argv.length > 2 ? process.argv.slice(2) : ["token", "clusterreg", "clusterjobs"]
const asc = path.join(root, "node_modules", ".bin", "proton-asc")

let failed = 0
for (const name of contracts) {
    const started = Date.now()
    const target = path.join(root, name, "target")
    fs.rmSync(target, { recursive: true, force: true })
    const source = path.join(name, `${name}.contract.ts`)
    const result = spawnSync(asc, [source], { cwd: root, encoding: "utf8", env: { ...process.env, NODE_NO_WARNINGS: "1" } })
    const wasm = path.join(target, `${name}.contract.wasm`)
    const abi = path.join(target, `${name}.contract.abi`)
    const ok = result.status === 0 && fs.existsSync(wasm) && fs.existsSync(abi)
    if (!ok) {
        failed++
        process.stdout.write(result.stdout || "")
        process.stderr.write(result.stderr || "")
        if (result.error) console.error(result.error.message)
        console.error(`FAILED ${name} (exit ${result.status})`)
        // Leave no half-built output behind for the tests to pick up.
        fs.rmSync(target, { recursive: true, force: true })
        continue
    }
    const secs = ((Date.now() - started) / 1000).toFixed(1)
    console.log(`built ${name}: ${path.relative(root, wasm)} (${fs.statSync(wasm).size} bytes), ${path.relative(root, abi)} in ${secs}s`)
}
process.exit(failed ? 1 : 0)

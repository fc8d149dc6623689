#!/usr/bin/env node
// Compiles every contract with proton-asc into <contract>/target/<contract>.contract.{wasm,abi}.
//
// proton-asc prints "Build Done" and writes an ABI even when compilation fails, so this
// script trusts only the exit code: each contract starts from an empty target/ (no stale
// .wasm survives a failed build), both outputs must exist afterwards, and a failed
// contract's target/ is deleted. Exit status is non-zero if any contract failed.
// Usage: node scripts/build.js [contract ...]   (default: all)
// BUILD_JOBS=n compiles n contracts at once (default 1: one compile already keeps 2 cores busy).
"use strict"
const { spawn } = require("child_process")
const fs = require("fs")
const os = require("os")
const path = require("path")

const root = path.resolve(__dirname, "..")
const all = ["token", "clusterreg", "clusterjobs"]
const contracts = process.argv.length > 2 ? process.argv.slice(2) : all
const asc = path.join(root, "node_modules", ".bin", "proton-asc")

for (const name of contracts) {
    if (!all.includes(name)) {
        console.error(`unknown contract ${name}; known: ${all.join(", ")}`)
        process.exit(2)
    }
}
if (!fs.existsSync(asc)) {
    console.error("proton-asc not found: run npm ci first")
    process.exit(2)
}

function build(name) {
    return new Promise(resolve => {
        const started = Date.now()
        const target = path.join(root, name, "target")
        fs.rmSync(target, { recursive: true, force: true })
        const child = spawn(asc, [path.join(name, `${name}.contract.ts`)], {
            cwd: root,
            env: { ...process.env, NODE_NO_WARNINGS: "1" },
        })
        let output = ""
        child.stdout.on("data", d => { output += d })
        child.stderr.on("data", d => { output += d })
        child.on("error", e => { output += `${e.message}\n` })
        child.on("close", code => {
            const wasm = path.join(target, `${name}.contract.wasm`)
            const abi = path.join(target, `${name}.contract.abi`)
            const ok = code === 0 && fs.existsSync(wasm) && fs.existsSync(abi)
            if (!ok) {
                process.stderr.write(output)
                console.error(`FAILED ${name} (proton-asc exit ${code})`)
                fs.rmSync(target, { recursive: true, force: true })
                return resolve(false)
            }
            const secs = ((Date.now() - started) / 1000).toFixed(1)
            console.log(`built ${name}: ${path.relative(root, wasm)} (${fs.statSync(wasm).size} bytes) + .abi in ${secs}s`)
            resolve(true)
        })
    })
}

async function main() {
    const queue = [...contracts]
    const parallel = Math.max(1, Math.min(Number(process.env.BUILD_JOBS) || 1, os.cpus().length, queue.length))
    let failed = 0
    await Promise.all(Array.from({ length: parallel }, async () => {
        while (queue.length) if (!(await build(queue.shift()))) failed++
    }))
    process.exit(failed ? 1 : 0)
}
main()

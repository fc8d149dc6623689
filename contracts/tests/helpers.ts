import { expect } from "chai"
import { existsSync } from "fs"
import { TimePointSec } from "@greymass/eosio"
import { Blockchain, nameToBigInt, protonAssert } from "@proton/vert"

/** Symbol code as the u64 scope/key eosio.token uses (characters little-endian). */
export function symbolCode(code: string): bigint {
    let v = 0n
    for (let i = code.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(code.charCodeAt(i))
    return v
}

export const n = (name: string): bigint => nameToBigInt(name)
export const assertMsg = (message: string): string => protonAssert(message)
export const missingAuth = (account: string): string => `missing required authority ${account}`

/** VeRT gives u64 as a number when it fits and as a string when not: compare as strings. */
export const u64 = (v: number | string | bigint): string => BigInt(v).toString()

export const SYM = "BOID"
/** Amount (integer, smallest units, precision 4) to "x.xxxx BOID". */
export function boid(units: bigint | number): string {
    const v = BigInt(units)
    const neg = v < 0n
    const a = neg ? -v : v
    const s = a.toString().padStart(5, "0")
    return `${neg ? "-" : ""}${s.slice(0, -4)}.${s.slice(-4)} ${SYM}`
}

export const HOUR_US = 3_600_000_000n
export const GIB_HOUR_BS = 3600n * 1024n * 1024n * 1024n

export const ROLE = { worker: 0, dispatcher: 1, storage: 2 }
export const HASH_A = "a".repeat(64)
export const HASH_B = "b".repeat(64)

/**
 * A fresh emulated chain with the token, clusterreg and clusterjobs deployed and
 * linked, the people of the tests, and BOID issued to the sponsors.
 */
export async function createChain(options: { jobsInline?: boolean, regInline?: boolean } = {}) {
    for (const name of ["token", "clusterreg", "clusterjobs"]) {
        const wasm = `${name}/target/${name}.contract.wasm`
        if (!existsSync(wasm)) throw new Error(`${wasm} is missing: run npm run build first`)
    }
    const bc = new Blockchain()
    const token = bc.createContract("boidtoken", "token/target/token.contract")
    const fake = bc.createContract("faketoken", "token/target/token.contract")
    const reg = bc.createContract("clusterreg", "clusterreg/target/clusterreg.contract", options.regInline ?? true)
    const jobs = bc.createContract("clusterjobs", "clusterjobs/target/clusterjobs.contract", options.jobsInline ?? true)
    bc.createAccounts("teamalpha", "teambeta", "alice", "bob", "treasury", "worker1", "worker2",
        "dispatch1", "dispatch2", "storage1", "mallory")
    // createContract reads the .wasm/.abi asynchronously: wait until actions exist.
    for (let i = 0; i < 200 && ![token, fake, reg, jobs].every(c => c.isContract); i++) {
        await new Promise(resolve => setTimeout(resolve, 5))
    }
    if (![token, fake, reg, jobs].every(c => c.isContract)) throw new Error("contracts did not load: run npm run build first")
    return { bc, token, fake, reg, jobs }
}

export type Chain = Awaited<ReturnType<typeof createChain>>

/** Whole-chain storage as a string, to prove a failed action changed nothing. */
export function snapshot(chain: Chain): string {
    return JSON.stringify(chain.bc.getStorage(), (_k, v) => typeof v === "bigint" ? v.toString() : v)
}

/** Expects the promise to fail with exactly `message` and the chain's storage to be unchanged. */
export async function expectFailUnchanged(chain: Chain, action: () => Promise<unknown>, message: string): Promise<void> {
    const before = snapshot(chain)
    let error: unknown = null
    try {
        await action()
    } catch (e) {
        error = e
    }
    expect(error, `expected failure: ${message}`).to.not.equal(null)
    expect((error as Error).message).to.equal(message)
    expect(snapshot(chain)).to.equal(before)
}

export const RATES = { worker: boid(2_0000), dispatcher: boid(1_0000), storage: boid(5000) }

/** Token set-up, links, one protocol "proteins" owned by teamalpha, with dispatch1, worker1, storage1. */
export async function standardSetup(chain: Chain, opts: { fund?: bigint } = {}): Promise<void> {
    const { token, fake, reg, jobs } = chain
    await token.actions.create(["boidtoken", boid(1_000_000_0000n)]).send("boidtoken@active")
    await token.actions.issue(["boidtoken", boid(1_000_000_0000n), ""]).send("boidtoken@active")
    await token.actions.transfer(["boidtoken", "teamalpha", boid(100_000_0000n), ""]).send("boidtoken@active")
    await token.actions.transfer(["boidtoken", "teambeta", boid(100_000_0000n), ""]).send("boidtoken@active")
    await fake.actions.create(["faketoken", boid(1_000_000_0000n)]).send("faketoken@active")
    await fake.actions.issue(["faketoken", boid(1_000_000_0000n), ""]).send("faketoken@active")
    await fake.actions.transfer(["faketoken", "teamalpha", boid(100_000_0000n), ""]).send("faketoken@active")
    await reg.actions.setconfig(["clusterjobs"]).send("clusterreg@active")
    await jobs.actions.conntoreg(["clusterreg"]).send("clusterjobs@active")
    await addProtocol(chain, "proteins", "teamalpha")
    const fund = opts.fund ?? 1_000_0000n
    if (fund > 0n) await fundProtocol(chain, "teamalpha", "proteins", fund)
    await jobs.actions.regdisptch(["proteins", "dispatch1"]).send("teamalpha@active")
    await jobs.actions.regworker(["proteins", "worker1"]).send("worker1@active")
    await jobs.actions.regstorage(["proteins", "storage1"]).send("teamalpha@active")
}

export async function addProtocol(chain: Chain, protocol: string, owner: string, rates = RATES): Promise<void> {
    await chain.reg.actions.addprotocol({
        protocol, owner, title: `Protocol ${protocol}`, researcher: "alice", data_dir: `/boid/${protocol}`,
        fund_account: "treasury", token_contract: "boidtoken",
        worker_rate: rates.worker, dispatcher_rate: rates.dispatcher, storage_rate: rates.storage,
    }).send(`${owner}@active`)
}

export async function fundProtocol(chain: Chain, from: string, protocol: string, units: bigint): Promise<void> {
    await chain.token.actions.transfer([from, "clusterreg", boid(units), `fund:${protocol}`]).send(`${from}@active`)
}

export function protocolRow(chain: Chain, protocol: string): any {
    return chain.reg.tables.protocols(n("clusterreg")).getTableRow(n(protocol))
}

export function balance(chain: Chain, account: string, contract = chain.token): string | undefined {
    const row = contract.tables.accounts(n(account)).getTableRow(symbolCode(SYM))
    return row ? row.balance : undefined
}

export function contributor(chain: Chain, table: "workers" | "dispatchers" | "storage", protocol: string, account: string): any {
    return chain.jobs.tables[table](n(protocol)).getTableRow(n(account))
}

export function stats(chain: Chain, protocol: string): any {
    return chain.jobs.tables.protostats(n("clusterjobs")).getTableRow(n(protocol))
}

export function record(id: number | string, contributor: string, role: number, amount: number | string | bigint, job_id: number | string = 1) {
    return { id, contributor, role, amount: typeof amount === "bigint" ? amount.toString() : amount, job_id }
}

export async function recordBatch(chain: Chain, dispatcher: string, protocol: string, records: unknown[], signer = dispatcher): Promise<void> {
    await chain.jobs.actions.recordbatch({ dispatcher, protocol, records }).send(`${signer}@active`)
}

/** Sets the emulated chain's clock (seconds since the epoch). */
export function setTime(chain: Chain, seconds: number): void {
    chain.bc.setTime(TimePointSec.fromInteger(seconds))
}

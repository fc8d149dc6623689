#!/usr/bin/env node
// devchain — TEST INFRASTRUCTURE, not a blockchain.
//
// Loads the compiled clusterreg, clusterjobs and token contracts into @proton/vert (an emulated
// Antelope chain), creates accounts with known TEST keys, sets up permissions (eosio.code),
// registers a protocol with a dispatcher and workers, and serves on 127.0.0.1 the four chain API
// endpoints Boid.Eosio's AntelopeChainClient uses: /v1/chain/get_info, get_abi, get_table_rows,
// push_transaction. Pushed transactions are decoded with @wharfkit/antelope, their signatures are
// recovered and checked against the accounts' keys, and the actions run in VeRT; answers and errors
// are shaped like nodeos' (an eosio_assert message is kept verbatim).
//
// The keys are derived from the account names (sha256("boid-devchain:" + name)): anyone can compute
// them. Never use them on a real chain. See README.md for options and how to use a public testnet.
"use strict"

const http = require("http")
const fs = require("fs")
const path = require("path")
const crypto = require("crypto")
const { Blockchain, nameToBigInt } = require("@proton/vert")
const { TimePointSec } = require("@greymass/eosio")
const { PrivateKey, Signature, Serializer, Transaction, Name, KeyType, Bytes } = require("@wharfkit/antelope")

const ROOT = path.resolve(__dirname, "..")

function parseArgs(argv) {
    const opts = {
        port: 8888,
        protocol: "montecarlo",
        owner: "boidteam",
        researcher: "student1",
        dispatcher: "boiddispatch",
        workers: ["localworker"],
        accounts: [],
        state: null,
        quiet: false,
    }
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]
        const value = () => {
            if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`)
            return argv[++i]
        }
        switch (arg) {
            case "--port": opts.port = Number(value()); break
            case "--protocol": opts.protocol = value(); break
            case "--owner": opts.owner = value(); break
            case "--researcher": opts.researcher = value(); break
            case "--dispatcher": opts.dispatcher = value(); break
            case "--workers": opts.workers = value().split(",").filter(w => w.length > 0); break
            case "--accounts": opts.accounts = value().split(",").filter(a => a.length > 0); break
            case "--state": opts.state = path.resolve(value()); break
            case "--quiet": opts.quiet = true; break
            case "--help": case "-h":
                console.log(fs.readFileSync(path.join(__dirname, "README.md"), "utf8"))
                process.exit(0)
            default: throw new Error(`unknown option ${arg} (see --help)`)
        }
    }
    if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error("--port must be 0..65535")
    return opts
}

/** The known test key of an account: sha256("boid-devchain:" + name). */
function testKey(account) {
    const secret = crypto.createHash("sha256").update(`boid-devchain:${account}`).digest()
    return new PrivateKey(KeyType.K1, Bytes.from(secret))
}

const CHAIN_ID = crypto.createHash("sha256").update("boid-devchain").digest("hex")
const START_MS = Date.now()

/** Block numbers advance every 500 ms, as on a real chain; ids carry the number in their first 4 bytes. */
function headBlockNum() { return 2 + Math.floor((Date.now() - START_MS) / 500) }
function blockId(num) {
    const id = crypto.createHash("sha256").update(`${CHAIN_ID}:${num}`).digest()
    id.writeUInt32BE(num, 0)
    return id
}
function blockTime(num) { return new Date(START_MS + (num - 2) * 500).toISOString().replace("Z", "") }

// ---------- errors, shaped like nodeos' ----------

class NodeosError extends Error {
    constructor(code, name, what, details, httpStatus = 500) {
        super(`${name}: ${details.join("; ")}`)
        this.body = {
            code: httpStatus,
            message: httpStatus === 500 ? "Internal Service Error" : "Bad Request",
            error: { code, name, what, details: details.map(message => ({ message, file: "devchain.js", line_number: 0, method: "push_transaction" })) },
        }
        this.httpStatus = httpStatus
    }
}

/** Maps what VeRT throws to nodeos' error kinds. */
function fromVert(error, consoleText) {
    const message = String(error && error.message || error)
    const details = []
    let m
    if ((m = /^eosio_assert_message: ([\s\S]*)$/.exec(message)) || (m = /^eosio_assert: ([\s\S]*)$/.exec(message))) {
        if (/^missing required authority /.test(m[1])) {
            details.push(`missing authority of ${m[1].slice("missing required authority ".length)}`)
            return withConsole(new NodeosError(3090004, "missing_auth_exception", "Missing required authority", details), consoleText)
        }
        details.push(`assertion failure with message: ${m[1]}`)
        return withConsole(new NodeosError(3050003, "eosio_assert_message_exception", "eosio_assert_message assertion failure", details), consoleText)
    }
    if (/^missing required authority /.test(message)) {
        details.push(`missing authority of ${message.slice("missing required authority ".length)}`)
        return new NodeosError(3090004, "missing_auth_exception", "Missing required authority", details)
    }
    if (/is not satisfied by .*eosio\.code/.test(message)) {
        return new NodeosError(3090003, "unsatisfied_authorization", "Provided keys, permissions, and delays do not satisfy declared authorizations", [message])
    }
    return new NodeosError(3050000, "action_validate_exception", "Action validate exception", [message])
}

function withConsole(error, consoleText) {
    if (consoleText) error.body.error.details.push({ message: `pending console output: ${consoleText}`, file: "devchain.js", line_number: 0, method: "push_transaction" })
    return error
}

// ---------- the chain ----------

async function createChain(opts) {
    for (const name of ["token", "clusterreg", "clusterjobs"]) {
        for (const ext of ["wasm", "abi"]) {
            const file = path.join(ROOT, name, "target", `${name}.contract.${ext}`)
            if (!fs.existsSync(file)) throw new Error(`${file} is missing: run "npm ci && npm run build" in contracts/ first`)
        }
    }
    const bc = new Blockchain()
    const contracts = {
        "eosio.token": bc.createContract("eosio.token", path.join(ROOT, "token/target/token.contract")),
        clusterreg: bc.createContract("clusterreg", path.join(ROOT, "clusterreg/target/clusterreg.contract"), true),
        clusterjobs: bc.createContract("clusterjobs", path.join(ROOT, "clusterjobs/target/clusterjobs.contract"), true),
    }
    const people = unique([opts.owner, opts.researcher, "treasury", opts.dispatcher, ...opts.workers, ...opts.accounts])
    bc.createAccounts(...people)
    for (let i = 0; i < 400 && !Object.values(contracts).every(c => c.isContract); i++) await sleep(5)
    if (!Object.values(contracts).every(c => c.isContract)) throw new Error("contracts did not load: run npm run build in contracts/")

    const abis = {}
    for (const [account, file] of [["eosio.token", "token/target/token.contract.abi"], ["clusterreg", "clusterreg/target/clusterreg.contract.abi"], ["clusterjobs", "clusterjobs/target/clusterjobs.contract.abi"]]) {
        abis[account] = JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8"))
    }

    const keys = {}
    for (const account of [...Object.keys(contracts), ...people]) keys[account] = testKey(account)

    setClock(bc, Date.now())
    const token = contracts["eosio.token"], reg = contracts.clusterreg, jobs = contracts.clusterjobs
    await token.actions.create(["eosio.token", "1000000000.0000 BOID"]).send("eosio.token@active")
    await token.actions.issue(["eosio.token", "1000000000.0000 BOID", ""]).send("eosio.token@active")
    await token.actions.transfer(["eosio.token", opts.owner, "1000000.0000 BOID", ""]).send("eosio.token@active")
    await reg.actions.setconfig(["clusterjobs"]).send("clusterreg@active")
    await jobs.actions.conntoreg(["clusterreg"]).send("clusterjobs@active")
    await reg.actions.addprotocol({
        protocol: opts.protocol, owner: opts.owner, title: `${opts.protocol} (devchain)`, researcher: opts.researcher,
        data_dir: `/protocols/${opts.protocol}`, fund_account: "treasury", token_contract: "eosio.token",
        worker_rate: "2.0000 BOID", dispatcher_rate: "1.0000 BOID", storage_rate: "0.5000 BOID",
    }).send(`${opts.owner}@active`)
    await token.actions.transfer([opts.owner, "clusterreg", "100000.0000 BOID", `fund:${opts.protocol}`]).send(`${opts.owner}@active`)
    await jobs.actions.regdisptch([opts.protocol, opts.dispatcher]).send(`${opts.owner}@active`)
    for (const worker of opts.workers) await jobs.actions.regworker([opts.protocol, worker]).send(`${worker}@active`)

    return { bc, contracts, abis, keys, applied: new Set() }
}

function unique(list) { return [...new Set(list)] }
function sleep(ms) { return new Promise(resolve => setTimeout(resolve, ms)) }
function setClock(bc, ms) { bc.setTime(TimePointSec.fromInteger(Math.floor(ms / 1000))) }

/** Recovers the signers' keys and checks each declared authority (actor@active/owner, one key, threshold 1). */
function checkSignatures(chain, trx, digest, signatures) {
    const recovered = []
    for (const text of signatures) {
        let signature
        try {
            signature = Signature.from(text)
        } catch (e) {
            throw new NodeosError(3010003, "signature_type_exception", "Invalid signature", [`invalid signature ${text}: ${e.message}`])
        }
        recovered.push(signature.recoverDigest(digest).toString())
    }
    for (const action of trx.actions) {
        for (const level of action.authorization) {
            const actor = level.actor.toString(), permission = level.permission.toString()
            const key = chain.keys[actor]
            if (!key) {
                throw new NodeosError(3090003, "unsatisfied_authorization", "Provided keys, permissions, and delays do not satisfy declared authorizations",
                    [`transaction declares authority '{"actor":"${actor}","permission":"${permission}"}', but account ${actor} does not exist`])
            }
            if ((permission !== "active" && permission !== "owner") || !recovered.includes(key.toPublic().toString())) {
                throw new NodeosError(3090003, "unsatisfied_authorization", "Provided keys, permissions, and delays do not satisfy declared authorizations",
                    [`transaction declares authority '{"actor":"${actor}","permission":"${permission}"}', but does not have signatures for it.`])
            }
        }
    }
}

/** Runs a decoded transaction in VeRT (all actions or none) and returns the console output. */
async function execute(chain, trx, atMs) {
    setClock(chain.bc, atMs)
    const plain = {
        expiration: 0, ref_block_num: 0, ref_block_prefix: 0,
        actions: trx.actions.map(a => ({
            account: a.account.toString(), name: a.name.toString(),
            authorization: a.authorization.map(l => ({ actor: l.actor.toString(), permission: l.permission.toString() })),
            data: a.data.hexString,
        })),
    }
    // VeRT bundles its own @greymass/eosio: hand it plain values, not wharfkit objects.
    const { Transaction: VertTransaction } = require("@greymass/eosio")
    for (const a of plain.actions) {
        if (!chain.bc.getAccount(Name.from(a.account).toString())) {
            throw new NodeosError(3040000, "transaction_exception", "Transaction exception", [`action's account ${a.account} does not exist`])
        }
    }
    try {
        await chain.bc.applyTransaction(VertTransaction.from(plain), {})
    } catch (error) {
        throw fromVert(error, chain.bc.console)
    }
    return chain.bc.console
}

async function pushTransaction(chain, body, opts) {
    if (!body || typeof body.packed_trx !== "string") throw new NodeosError(3010000, "chain_type_exception", "chain type exception", ["packed_trx is required"], 400)
    if (body.compression && body.compression !== "none" && body.compression !== 0) {
        throw new NodeosError(3010000, "chain_type_exception", "chain type exception", ["only uncompressed transactions are supported"], 400)
    }
    const packed = Buffer.from(body.packed_trx, "hex")
    let trx
    try {
        trx = Serializer.decode({ data: packed, type: Transaction })
    } catch (e) {
        throw new NodeosError(3010000, "chain_type_exception", "chain type exception", [`cannot decode packed_trx: ${e.message}`], 400)
    }
    const id = crypto.createHash("sha256").update(packed).digest("hex")
    if (chain.applied.has(id)) throw new NodeosError(3040008, "tx_duplicate", "Duplicate transaction", [`duplicate transaction ${id}`])
    const now = Date.now()
    const expiration = trx.expiration.toMilliseconds()
    if (expiration <= now) {
        throw new NodeosError(3040005, "expired_tx_exception", "Expired Transaction", [`expired transaction ${id}, expiration ${trx.expiration}, block time ${new Date(now).toISOString()}`])
    }
    checkRefBlock(trx)
    const digest = crypto.createHash("sha256").update(Buffer.concat([Buffer.from(CHAIN_ID, "hex"), packed, Buffer.alloc(32)])).digest()
    checkSignatures(chain, trx, digest, body.signatures || [])
    const consoleText = await execute(chain, trx, now)
    chain.applied.add(id)
    if (opts.state) fs.appendFileSync(opts.state, JSON.stringify({ packed_trx: body.packed_trx, at: now }) + "\n")
    const blockNum = headBlockNum()
    if (!opts.quiet) console.log(`tx ${id.slice(0, 12)} ${trx.actions.map(a => `${a.account}::${a.name}`).join(",")}${consoleText ? " — " + consoleText.trim() : ""}`)
    return {
        transaction_id: id,
        processed: {
            id, block_num: blockNum, block_time: blockTime(blockNum), receipt: { status: "executed", cpu_usage_us: 100, net_usage_words: Math.ceil(packed.length / 8) },
            elapsed: 100, net_usage: packed.length, scheduled: false,
            action_traces: trx.actions.map((a, i) => ({ action_ordinal: i + 1, receiver: a.account.toString(), act: { account: a.account.toString(), name: a.name.toString(), authorization: a.authorization.map(l => ({ actor: l.actor.toString(), permission: l.permission.toString() })), hex_data: a.data.hexString }, console: i === 0 ? consoleText : "" })),
            except: null,
        },
    }
}

function checkRefBlock(trx) {
    const head = headBlockNum()
    for (let num = head; num >= Math.max(1, head - 65535); num--) {
        if ((num & 0xffff) !== Number(trx.ref_block_num)) continue
        if (blockId(num).readUInt32LE(8) === Number(trx.ref_block_prefix)) return
        break
    }
    throw new NodeosError(3040007, "invalid_ref_block_exception", "Invalid Reference Block", [`Transaction's reference block did not match. Is this transaction from a different fork? ref_block_num ${trx.ref_block_num}`])
}

/** Replays the transactions of an earlier run (--state), without signature or expiry checks. */
async function replayState(chain, opts) {
    if (!opts.state || !fs.existsSync(opts.state)) return 0
    let count = 0
    for (const line of fs.readFileSync(opts.state, "utf8").split("\n")) {
        if (!line.trim()) continue
        const entry = JSON.parse(line)
        const packed = Buffer.from(entry.packed_trx, "hex")
        const trx = Serializer.decode({ data: packed, type: Transaction })
        await execute(chain, trx, entry.at)
        chain.applied.add(crypto.createHash("sha256").update(packed).digest("hex"))
        count++
    }
    return count
}

function scopeToBigInt(scope) {
    const text = String(scope)
    if (/^[0-9]+$/.test(text) && text.length > 12) return BigInt(text)
    return nameToBigInt(text)
}

function keyToBigInt(bound, fallback) {
    if (bound === undefined || bound === null || bound === "") return fallback
    const text = String(bound)
    return /^[0-9]+$/.test(text) ? BigInt(text) : nameToBigInt(text)
}

function getTableRows(chain, body) {
    const code = String(body.code), table = String(body.table)
    const contract = chain.bc.getAccount(code)
    if (!contract || !contract.isContract) throw new NodeosError(3060002, "account_query_exception", "Account Query Exception", [`unknown contract ${code}`])
    if (!contract.tables[table]) throw new NodeosError(3060003, "contract_table_query_exception", "Contract Table Query Exception", [`Table ${table} is not specified in the ABI`])
    if (body.index_position && String(body.index_position) !== "1" && String(body.index_position) !== "primary") {
        throw new NodeosError(3060003, "contract_table_query_exception", "Contract Table Query Exception", ["devchain supports the primary index only"])
    }
    const scope = scopeToBigInt(body.scope)
    const limit = Math.max(1, Math.min(Number(body.limit || 10), 1000))
    const lower = keyToBigInt(body.lower_bound, 0n)
    const upper = keyToBigInt(body.upper_bound, (1n << 64n) - 1n)
    const store = chain.bc.store.findTable(nameToBigInt(code), scope, nameToBigInt(table))
    const rows = []
    let more = false, nextKey = ""
    if (store) {
        const view = contract.tables[table](scope)
        const keys = []
        for (let it = store.lowerbound(lower); it && it.primaryKey <= upper; it = store.next(it.primaryKey)) keys.push(it.primaryKey)
        if (body.reverse) keys.reverse()
        for (const key of keys) {
            if (rows.length === limit) { more = true; nextKey = key.toString(); break }
            rows.push(view.getTableRow(key))
        }
    }
    return { rows, more, next_key: nextKey }
}

function getInfo() {
    const head = headBlockNum(), lib = head - 1
    return {
        server_version: "devchain", chain_id: CHAIN_ID,
        head_block_num: head, head_block_id: blockId(head).toString("hex"), head_block_time: blockTime(head),
        head_block_producer: "eosio",
        last_irreversible_block_num: lib, last_irreversible_block_id: blockId(lib).toString("hex"), last_irreversible_block_time: blockTime(lib),
        virtual_block_cpu_limit: 200000000, virtual_block_net_limit: 1048576000, block_cpu_limit: 200000, block_net_limit: 1048576,
        server_version_string: "v0-boid-devchain (test infrastructure)", fork_db_head_block_num: head,
    }
}

function serve(chain, opts) {
    const server = http.createServer((req, res) => {
        let data = ""
        req.setEncoding("utf8")
        req.on("data", chunk => { data += chunk; if (data.length > 4 << 20) req.destroy() })
        req.on("end", async () => {
            let status = 200, answer
            try {
                const body = data.length > 0 ? JSON.parse(data) : {}
                switch (req.url) {
                    case "/v1/chain/get_info": answer = getInfo(); break
                    case "/v1/chain/get_abi": {
                        const account = String(body.account_name)
                        if (!chain.bc.getAccount(account)) throw new NodeosError(3060002, "account_query_exception", "Account Query Exception", [`unknown key (eosio::chain::name): ${account}`])
                        answer = chain.abis[account] ? { account_name: account, abi: chain.abis[account] } : { account_name: account }
                        break
                    }
                    case "/v1/chain/get_table_rows": answer = getTableRows(chain, body); break
                    case "/v1/chain/push_transaction":
                    case "/v1/chain/send_transaction": answer = await pushTransaction(chain, body, opts); break
                    default:
                        throw new NodeosError(0, "not_found", "Not Found", [`unknown endpoint ${req.url}`], 404)
                }
            } catch (error) {
                if (error instanceof NodeosError) { status = error.httpStatus; answer = error.body }
                else if (error instanceof SyntaxError) { status = 400; answer = new NodeosError(3200006, "invalid_http_request", "invalid http request", [`bad JSON: ${error.message}`], 400).body }
                else { status = 500; answer = new NodeosError(3000000, "chain_exception", "chain exception", [String(error && error.stack || error)]).body }
                if (!opts.quiet) console.log(`${req.url} → ${answer.error.name}: ${answer.error.details.map(d => d.message).join("; ")}`)
            }
            const text = JSON.stringify(answer, (_k, v) => typeof v === "bigint" ? v.toString() : v)
            res.writeHead(status, { "content-type": "application/json" })
            res.end(text)
        })
    })
    return new Promise((resolve, reject) => {
        server.once("error", reject)
        server.listen(opts.port, "127.0.0.1", () => resolve(server))
    })
}

async function main() {
    const opts = parseArgs(process.argv.slice(2))
    const chain = await createChain(opts)
    const replayed = await replayState(chain, opts)
    const server = await serve(chain, opts)
    const port = server.address().port
    const accounts = {}
    for (const [account, key] of Object.entries(chain.keys)) accounts[account] = { public: key.toPublic().toString(), private: key.toString() }
    console.log(`devchain (TEST INFRASTRUCTURE — test keys only) listening on http://127.0.0.1:${port}`)
    console.log(`chain id ${CHAIN_ID}; protocol ${opts.protocol}, dispatcher ${opts.dispatcher}, workers ${opts.workers.join(",")}${replayed ? `; replayed ${replayed} transactions from ${opts.state}` : ""}`)
    for (const [account, key] of Object.entries(accounts)) console.log(`  ${account.padEnd(13)} ${key.private}  ${key.public}`)
    // One machine-readable line for test fixtures.
    console.log("DEVCHAIN_READY " + JSON.stringify({ url: `http://127.0.0.1:${port}`, port, chain_id: CHAIN_ID, protocol: opts.protocol, dispatcher: opts.dispatcher, workers: opts.workers, accounts }))
    const stop = () => server.close(() => process.exit(0))
    process.on("SIGTERM", stop)
    process.on("SIGINT", stop)
}

main().catch(error => {
    console.error(`devchain: ${error.message}`)
    process.exit(1)
})

import { expect } from "chai"
import {
    Chain, GIB_HOUR_BS, HOUR_US, RATES, ROLE, assertMsg, balance, boid, contributor, createChain, expectFailUnchanged,
    fundProtocol, protocolRow, record, recordBatch, standardSetup, stats, u64,
} from "./helpers"

/** What the contract must pay: floor(unpaid × rate / unit), in smallest token units. */
const expected = (unpaid: bigint, rate: bigint, unit: bigint): bigint => unpaid * rate / unit

function units(asset: string | undefined): bigint {
    if (!asset) return 0n
    return BigInt(asset.split(" ")[0].replace(".", ""))
}

async function setRates(chain: Chain, worker: string, dispatcher: string, storage: string): Promise<void> {
    await chain.reg.actions.updprotocol({
        protocol: "proteins", title: "Protocol proteins", researcher: "alice", data_dir: "/boid/proteins", fund_account: "treasury",
        worker_rate: worker, dispatcher_rate: dispatcher, storage_rate: storage,
    }).send("teamalpha@active")
}

describe("payout (clusterjobs → clusterreg → token)", () => {
    let chain: Chain
    let nextId = 1
    const credit = (who: string, role: number, amount: bigint | number) =>
        recordBatch(chain, "dispatch1", "proteins", [record(nextId++, who, role, BigInt(amount))])

    beforeEach(async () => {
        chain = await createChain()
        nextId = 1
        await standardSetup(chain, { fund: 1_000_0000n })
    })

    it("pays worker time at the hourly rate: 1.5 h at 2.0000 BOID/h is 3.0000 BOID", async () => {
        await credit("worker1", ROLE.worker, 5_400_000_000n)
        await chain.jobs.actions.payout(["worker1", "proteins"]).send("worker1@active")
        expect(balance(chain, "worker1")).to.equal(boid(3_0000))
        const row = contributor(chain, "workers", "proteins", "worker1")
        expect([u64(row.total), u64(row.unpaid), u64(row.records)]).to.deep.equal(["5400000000", "0", "1"])
        expect(protocolRow(chain, "proteins")).to.include({ fund: boid(997_0000), paid: boid(3_0000), funded: boid(1_000_0000) })
        expect(stats(chain, "proteins")).to.include({ worker_unpaid: 0 })
        expect(balance(chain, "clusterreg")).to.equal(boid(997_0000))
    })

    it("pays storage per GiB-hour: 1 GiB for 2 h at 0.5000 BOID is 1.0000 BOID", async () => {
        await credit("storage1", ROLE.storage, 2n * GIB_HOUR_BS)
        await chain.jobs.actions.payout(["storage1", "proteins"]).send("storage1@active")
        expect(balance(chain, "storage1")).to.equal(boid(1_0000))
        expect(u64(contributor(chain, "storage", "proteins", "storage1").unpaid)).to.equal("0")
    })

    it("rounds down per role and forfeits the fraction below 0.0001 BOID; unpaid resets", async () => {
        // 2.0000 BOID/h = 20000 units/h: one unit per 180 000 µs; 359 999 µs is 1.99999 units.
        await credit("worker1", ROLE.worker, 359_999)
        await chain.jobs.actions.payout(["worker1", "proteins"]).send("worker1@active")
        expect(balance(chain, "worker1")).to.equal(boid(1))
        expect(contributor(chain, "workers", "proteins", "worker1").unpaid).to.equal(0)
    })

    it("sums all roles of one account in one transfer", async () => {
        await chain.jobs.actions.regworker(["proteins", "dispatch1"]).send("dispatch1@active")
        await credit("dispatch1", ROLE.worker, HOUR_US)            // 2.0000
        await credit("dispatch1", ROLE.dispatcher, 3n * HOUR_US)   // 3.0000
        await chain.jobs.actions.payout(["dispatch1", "proteins"]).send("dispatch1@active")
        expect(balance(chain, "dispatch1")).to.equal(boid(5_0000))
        expect(stats(chain, "proteins")).to.include({ worker_unpaid: 0, dispatcher_unpaid: 0 })
        expect(chain.bc.console).to.contain(`payout: ${boid(5_0000)} to dispatch1`)
    })

    it("matches floor(unpaid × rate / unit) exactly over many amounts, including 128-bit products", async () => {
        await setRates(chain, boid(7_3211), boid(123_4567), boid(9_9999))
        const cases: [string, number, bigint, bigint, bigint][] = [
            ["worker1", ROLE.worker, 1n, 73211n, HOUR_US],
            ["worker1", ROLE.worker, 49_172n, 73211n, HOUR_US],
            ["worker1", ROLE.worker, 3_599_999_999n, 73211n, HOUR_US],
            ["worker1", ROLE.worker, 987_654_321_012n, 73211n, HOUR_US],
            ["dispatch1", ROLE.dispatcher, 18_446_744_073_709n, 1234567n, HOUR_US],
            ["storage1", ROLE.storage, 5_000_000_000_000_000n, 99999n, GIB_HOUR_BS],
            ["storage1", ROLE.storage, 3_865_470_566_399n, 99999n, GIB_HOUR_BS],
        ]
        for (const [who, role, amount, rate, unit] of cases) {
            const before = units(balance(chain, who))
            const fundBefore = units(protocolRow(chain, "proteins").fund)
            await credit(who, role, amount)
            const owe = expected(amount, rate, unit)
            if (owe === 0n) {
                await chain.jobs.actions.payout([who, "proteins"]).send(`${who}@active`)
            } else {
                if (owe > fundBefore) await fundProtocol(chain, "boidtoken", "proteins", owe)
                await chain.jobs.actions.payout([who, "proteins"]).send(`${who}@active`)
            }
            expect(units(balance(chain, who)) - before, `${who} ${amount} at ${rate}`).to.equal(owe)
        }
    })

    it("fund exhaustion: fails without changing anything, pays once topped up", async () => {
        // Spend the fund down to 1.0000 BOID through a first payout.
        await credit("worker1", ROLE.worker, 999n * HOUR_US / 2n)     // 999.0000 BOID
        await chain.jobs.actions.payout(["worker1", "proteins"]).send("worker1@active")
        expect(protocolRow(chain, "proteins").fund).to.equal(boid(1_0000))
        await credit("worker1", ROLE.worker, 3n * HOUR_US / 2n)       // 3.0000 BOID owed
        await expectFailUnchanged(chain, () => chain.jobs.actions.payout(["worker1", "proteins"]).send("worker1@active"),
            assertMsg(`fund exhausted: fund holds ${boid(1_0000)}, payout needs ${boid(3_0000)}`))
        expect(u64(contributor(chain, "workers", "proteins", "worker1").unpaid)).to.equal("5400000000")
        await fundProtocol(chain, "teambeta", "proteins", 2_0000n)
        await chain.jobs.actions.payout(["worker1", "proteins"]).send("worker1@active")
        expect(balance(chain, "worker1")).to.equal(boid(1002_0000))
        expect(protocolRow(chain, "proteins")).to.include({ fund: boid(0), paid: boid(1002_0000), funded: boid(1002_0000) })
        expect(balance(chain, "clusterreg")).to.equal(boid(0))
    })

    it("uses the rate in force at payout time", async () => {
        await credit("worker1", ROLE.worker, HOUR_US)
        await setRates(chain, boid(5_0000), RATES.dispatcher, RATES.storage)
        await chain.jobs.actions.payout(["worker1", "proteins"]).send("worker1@active")
        expect(balance(chain, "worker1")).to.equal(boid(5_0000))
    })

    it("a zero amount (rate 0 or dust) clears unpaid without a transfer", async () => {
        await setRates(chain, boid(0), RATES.dispatcher, RATES.storage)
        await credit("worker1", ROLE.worker, HOUR_US)
        await chain.jobs.actions.payout(["worker1", "proteins"]).send("worker1@active")
        expect(balance(chain, "worker1")).to.equal(undefined)
        expect(contributor(chain, "workers", "proteins", "worker1").unpaid).to.equal(0)
        expect(protocolRow(chain, "proteins").fund).to.equal(boid(1_000_0000))
    })

    it("the contributor or the protocol owner may trigger it; the money always goes to the contributor", async () => {
        await credit("worker1", ROLE.worker, HOUR_US)
        await expectFailUnchanged(chain, () => chain.jobs.actions.payout(["worker1", "proteins"]).send("mallory@active"), assertMsg("missing authority of contributor or protocol owner"))
        await chain.jobs.actions.payout(["worker1", "proteins"]).send("teamalpha@active")
        expect(balance(chain, "worker1")).to.equal(boid(2_0000))
    })

    it("refuses when nothing is unpaid or the account contributes nothing", async () => {
        await expectFailUnchanged(chain, () => chain.jobs.actions.payout(["worker1", "proteins"]).send("worker1@active"), assertMsg("nothing unpaid for worker1"))
        await expectFailUnchanged(chain, () => chain.jobs.actions.payout(["mallory", "proteins"]).send("mallory@active"), assertMsg("mallory is not a contributor of protocol proteins"))
    })

    it("refuses an amount that does not fit an asset", async () => {
        await setRates(chain, boid((1n << 62n) - 1n), RATES.dispatcher, RATES.storage)
        await credit("worker1", ROLE.worker, 18_446_744_073_709_551_615n)
        await expectFailUnchanged(chain, () => chain.jobs.actions.payout(["worker1", "proteins"]).send("worker1@active"), assertMsg("payout amount overflows an asset"))
    })

    it("needs clusterjobs@eosio.code in clusterjobs@active", async () => {
        chain = await createChain({ jobsInline: false })
        await standardSetup(chain)
        await credit("worker1", ROLE.worker, HOUR_US)
        const before = JSON.stringify(contributor(chain, "workers", "proteins", "worker1"))
        let message = ""
        await chain.jobs.actions.payout(["worker1", "proteins"]).send("worker1@active").catch((e: Error) => { message = e.message })
        expect(message).to.match(/clusterjobs@active is not satisfied by .*@eosio\.code/)
        expect(JSON.stringify(contributor(chain, "workers", "proteins", "worker1"))).to.equal(before)
    })

    it("needs clusterreg@eosio.code in clusterreg@active", async () => {
        chain = await createChain({ regInline: false })
        await standardSetup(chain)
        await credit("worker1", ROLE.worker, HOUR_US)
        let message = ""
        await chain.jobs.actions.payout(["worker1", "proteins"]).send("worker1@active").catch((e: Error) => { message = e.message })
        expect(message).to.match(/clusterreg@active is not satisfied by .*@eosio\.code/)
        expect(balance(chain, "worker1")).to.equal(undefined)
    })
})

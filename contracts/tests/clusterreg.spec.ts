import { expect } from "chai"
import {
    Chain, RATES, addProtocol, assertMsg, balance, boid, createChain, expectFailUnchanged, fundProtocol, missingAuth, n,
    protocolRow, record, recordBatch, ROLE, standardSetup,
} from "./helpers"

describe("clusterreg", () => {
    let chain: Chain
    beforeEach(async () => {
        chain = await createChain()
        await standardSetup(chain, { fund: 0n })
    })

    describe("setconfig", () => {
        it("stores the jobs contract under the contract's own authority", async () => {
            expect(chain.reg.tables.config(n("clusterreg")).getTableRows()).to.deep.equal([{ jobs_contract: "clusterjobs" }])
        })
        it("refuses any other signer", async () => {
            await expectFailUnchanged(chain, () => chain.reg.actions.setconfig(["mallory"]).send("mallory@active"), missingAuth("clusterreg"))
        })
        it("refuses an account that does not exist", async () => {
            await expectFailUnchanged(chain, () => chain.reg.actions.setconfig(["nobody"]).send("clusterreg@active"), assertMsg("jobs_contract account does not exist"))
        })
    })

    describe("addprotocol", () => {
        it("stores every field, with an empty fund in the rates' token", async () => {
            expect(protocolRow(chain, "proteins")).to.deep.equal({
                protocol: "proteins", title: "Protocol proteins", owner: "teamalpha", researcher: "alice",
                data_dir: "/boid/proteins", fund_account: "treasury", token_contract: "boidtoken",
                fund: boid(0), funded: boid(0), paid: boid(0),
                worker_rate: RATES.worker, dispatcher_rate: RATES.dispatcher, storage_rate: RATES.storage,
            })
        })
        it("needs the owner's authority", async () => {
            await expectFailUnchanged(chain, () => chain.reg.actions.addprotocol({
                protocol: "genomes", owner: "teamalpha", title: "t", researcher: "alice", data_dir: "", fund_account: "treasury",
                token_contract: "boidtoken", worker_rate: RATES.worker, dispatcher_rate: RATES.dispatcher, storage_rate: RATES.storage,
            }).send("mallory@active"), missingAuth("teamalpha"))
        })
        it("refuses a duplicate", async () => {
            await expectFailUnchanged(chain, () => addProtocol(chain, "proteins", "teambeta"), assertMsg("protocol already exists"))
        })

        describe("name rules", () => {
            const base = { owner: "teamalpha", title: "t", researcher: "alice", data_dir: "", fund_account: "treasury", token_contract: "boidtoken", worker_rate: RATES.worker, dispatcher_rate: RATES.dispatcher, storage_rate: RATES.storage }
            it("protocol names may not contain dots", async () => {
                await expectFailUnchanged(chain, () => chain.reg.actions.addprotocol({ ...base, protocol: "gen.omes" }).send("teamalpha@active"), assertMsg("protocol name must not contain dots"))
            })
            it("protocol names may not be empty", async () => {
                await expectFailUnchanged(chain, () => chain.reg.actions.addprotocol({ ...base, protocol: "" }).send("teamalpha@active"), assertMsg("protocol name must not be empty"))
            })
            it("names outside the Antelope alphabet never reach the chain", async () => {
                let failed = false
                try {
                    await chain.reg.actions.addprotocol({ ...base, protocol: "Genomes_6" }).send("teamalpha@active")
                } catch {
                    failed = true
                }
                expect(failed).to.equal(true)
                expect(protocolRow(chain, "genomes")).to.equal(undefined)
            })
            it("researcher, fund account and token contract must be existing accounts", async () => {
                await expectFailUnchanged(chain, () => chain.reg.actions.addprotocol({ ...base, protocol: "genomes", researcher: "ghost" }).send("teamalpha@active"), assertMsg("researcher account does not exist"))
                await expectFailUnchanged(chain, () => chain.reg.actions.addprotocol({ ...base, protocol: "genomes", fund_account: "ghost" }).send("teamalpha@active"), assertMsg("fund_account account does not exist"))
                await expectFailUnchanged(chain, () => chain.reg.actions.addprotocol({ ...base, protocol: "genomes", token_contract: "ghost" }).send("teamalpha@active"), assertMsg("token_contract account does not exist"))
            })
            it("rates must name an existing token of the token contract, all in one symbol, not negative", async () => {
                await expectFailUnchanged(chain, () => chain.reg.actions.addprotocol({ ...base, protocol: "genomes", worker_rate: "1.0000 XYZ" }).send("teamalpha@active"), assertMsg("token_contract has no token XYZ"))
                await expectFailUnchanged(chain, () => chain.reg.actions.addprotocol({ ...base, protocol: "genomes", worker_rate: "1.00 BOID" }).send("teamalpha@active"), assertMsg("rate symbol precision does not match the token"))
                await expectFailUnchanged(chain, () => chain.reg.actions.addprotocol({ ...base, protocol: "genomes", storage_rate: "1.00 BOID" }).send("teamalpha@active"), assertMsg("rates must be in the fund token BOID"))
                await expectFailUnchanged(chain, () => chain.reg.actions.addprotocol({ ...base, protocol: "genomes", dispatcher_rate: boid(-1) }).send("teamalpha@active"), assertMsg("rates must not be negative"))
            })
            it("title is required and texts are bounded", async () => {
                await expectFailUnchanged(chain, () => chain.reg.actions.addprotocol({ ...base, protocol: "genomes", title: "" }).send("teamalpha@active"), assertMsg("title must be 1-256 characters"))
                await expectFailUnchanged(chain, () => chain.reg.actions.addprotocol({ ...base, protocol: "genomes", data_dir: "x".repeat(257) }).send("teamalpha@active"), assertMsg("data_dir must be at most 256 characters"))
            })
        })
    })

    describe("updprotocol", () => {
        const upd = { protocol: "proteins", title: "Proteins v2", researcher: "bob", data_dir: "/boid/p2", fund_account: "teamalpha", worker_rate: boid(3_0000), dispatcher_rate: boid(0), storage_rate: boid(1) }
        it("changes description, researcher, fund account and rates; keeps token and fund", async () => {
            await fundProtocol(chain, "teamalpha", "proteins", 5_0000n)
            await chain.reg.actions.updprotocol(upd).send("teamalpha@active")
            const row = protocolRow(chain, "proteins")
            expect(row).to.include({ title: "Proteins v2", researcher: "bob", data_dir: "/boid/p2", fund_account: "teamalpha", worker_rate: boid(3_0000), dispatcher_rate: boid(0), storage_rate: boid(1) })
            expect(row).to.include({ owner: "teamalpha", token_contract: "boidtoken", fund: boid(5_0000) })
        })
        it("needs the owner's authority", async () => {
            await expectFailUnchanged(chain, () => chain.reg.actions.updprotocol(upd).send("alice@active"), missingAuth("teamalpha"))
        })
        it("refuses an unknown protocol and a change of token", async () => {
            await expectFailUnchanged(chain, () => chain.reg.actions.updprotocol({ ...upd, protocol: "nothing" }).send("teamalpha@active"), assertMsg("protocol not found"))
            await expectFailUnchanged(chain, () => chain.reg.actions.updprotocol({ ...upd, worker_rate: "1.0000 XYZ" }).send("teamalpha@active"), assertMsg("rates must be in the fund token BOID"))
        })
    })

    describe("funding by transfer notification", () => {
        it("a transfer with memo fund:<protocol> raises the fund and the funded total", async () => {
            await fundProtocol(chain, "teamalpha", "proteins", 250_0000n)
            await fundProtocol(chain, "teambeta", "proteins", 50_0000n)
            expect(protocolRow(chain, "proteins")).to.include({ fund: boid(300_0000), funded: boid(300_0000), paid: boid(0) })
            expect(balance(chain, "clusterreg")).to.equal(boid(300_0000))
        })
        it("refuses transfers whose memo does not name a protocol", async () => {
            const send = (memo: string) => () => chain.token.actions.transfer(["teamalpha", "clusterreg", boid(1_0000), memo]).send("teamalpha@active")
            await expectFailUnchanged(chain, send("proteins"), assertMsg("memo must be fund:<protocol>"))
            await expectFailUnchanged(chain, send("fund:"), assertMsg("memo must be fund:<protocol>"))
            await expectFailUnchanged(chain, send("fund:Proteins"), assertMsg("memo must be fund:<protocol>"))
            await expectFailUnchanged(chain, send("fund:genomes"), assertMsg("protocol not found: genomes"))
        })
        it("refuses the right symbol from the wrong token contract", async () => {
            await expectFailUnchanged(chain,
                () => chain.fake.actions.transfer(["teamalpha", "clusterreg", boid(1_0000), "fund:proteins"]).send("teamalpha@active"),
                assertMsg("protocol is funded by boidtoken, not faketoken"))
        })
        it("ignores transfers that do not concern it (sent elsewhere)", async () => {
            await chain.token.actions.transfer(["teamalpha", "alice", boid(1_0000), "fund:proteins"]).send("teamalpha@active")
            expect(protocolRow(chain, "proteins").fund).to.equal(boid(0))
        })
    })

    describe("payout", () => {
        it("only clusterjobs may call it", async () => {
            await fundProtocol(chain, "teamalpha", "proteins", 10_0000n)
            await expectFailUnchanged(chain,
                () => chain.reg.actions.payout(["proteins", "mallory", boid(10_0000), "steal"]).send("teamalpha@active"),
                missingAuth("clusterjobs"))
            await expectFailUnchanged(chain,
                () => chain.reg.actions.payout(["proteins", "mallory", boid(10_0000), "steal"]).send("clusterreg@active"),
                missingAuth("clusterjobs"))
        })
        it("never pays more than the fund holds, even when clusterjobs asks", async () => {
            await fundProtocol(chain, "teamalpha", "proteins", 10_0000n)
            await expectFailUnchanged(chain,
                () => chain.reg.actions.payout(["proteins", "worker1", boid(10_0001), ""]).send("clusterjobs@active"),
                assertMsg(`fund exhausted: fund holds ${boid(10_0000)}, payout needs ${boid(10_0001)}`))
            await chain.reg.actions.payout(["proteins", "worker1", boid(10_0000), "all"]).send("clusterjobs@active")
            expect(balance(chain, "worker1")).to.equal(boid(10_0000))
            expect(protocolRow(chain, "proteins")).to.include({ fund: boid(0), paid: boid(10_0000), funded: boid(10_0000) })
        })
        it("refuses a foreign symbol and a non-positive quantity", async () => {
            await fundProtocol(chain, "teamalpha", "proteins", 10_0000n)
            await expectFailUnchanged(chain, () => chain.reg.actions.payout(["proteins", "worker1", "1.0000 XYZ", ""]).send("clusterjobs@active"), assertMsg("payout symbol does not match the fund"))
            await expectFailUnchanged(chain, () => chain.reg.actions.payout(["proteins", "worker1", boid(0), ""]).send("clusterjobs@active"), assertMsg("payout must be positive"))
        })
    })

    describe("delprotocol", () => {
        it("needs the owner's authority", async () => {
            await expectFailUnchanged(chain, () => chain.reg.actions.delprotocol(["proteins"]).send("alice@active"), missingAuth("teamalpha"))
        })
        it("deletes and refunds what is left to the fund account", async () => {
            await fundProtocol(chain, "teamalpha", "proteins", 40_0000n)
            const before = balance(chain, "treasury")
            expect(before).to.equal(undefined)
            await chain.reg.actions.delprotocol(["proteins"]).send("teamalpha@active")
            expect(protocolRow(chain, "proteins")).to.equal(undefined)
            expect(balance(chain, "treasury")).to.equal(boid(40_0000))
            expect(balance(chain, "clusterreg")).to.equal(boid(0))
        })
        it("refuses while contributions are unpaid, and succeeds once they are paid", async () => {
            await fundProtocol(chain, "teamalpha", "proteins", 40_0000n)
            await recordBatch(chain, "dispatch1", "proteins", [record(1, "worker1", ROLE.worker, 3_600_000_000)])
            await expectFailUnchanged(chain, () => chain.reg.actions.delprotocol(["proteins"]).send("teamalpha@active"),
                assertMsg("protocol has unpaid contributions: pay them out first"))
            await chain.jobs.actions.payout(["worker1", "proteins"]).send("worker1@active")
            await chain.reg.actions.delprotocol(["proteins"]).send("teamalpha@active")
            expect(balance(chain, "worker1")).to.equal(boid(2_0000))
            expect(balance(chain, "treasury")).to.equal(boid(38_0000))
        })
        it("refuses an unknown protocol", async () => {
            await expectFailUnchanged(chain, () => chain.reg.actions.delprotocol(["genomes"]).send("teamalpha@active"), assertMsg("protocol not found"))
        })
    })
})

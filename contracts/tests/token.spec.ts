import { expect } from "chai"
import { Chain, assertMsg, balance, boid, createChain, expectFailUnchanged, missingAuth, symbolCode } from "./helpers"

describe("token (eosio.token-compatible, for tests)", () => {
    let chain: Chain
    beforeEach(async () => {
        chain = await createChain()
        await chain.token.actions.create(["boidtoken", boid(1000_0000)]).send("boidtoken@active")
    })

    it("create, issue and transfer move balances and supply", async () => {
        await chain.token.actions.issue(["boidtoken", boid(500_0000), "mint"]).send("boidtoken@active")
        await chain.token.actions.transfer(["boidtoken", "alice", boid(12_5000), "hi"]).send("boidtoken@active")
        expect(balance(chain, "alice")).to.equal(boid(12_5000))
        expect(balance(chain, "boidtoken")).to.equal(boid(487_5000))
        const stat = chain.token.tables.stat(symbolCode("BOID")).getTableRow(symbolCode("BOID"))
        expect(stat).to.deep.equal({ supply: boid(500_0000), max_supply: boid(1000_0000), issuer: "boidtoken" })
    })

    it("transfer needs the sender's authority and enough balance", async () => {
        await chain.token.actions.issue(["boidtoken", boid(10_0000), ""]).send("boidtoken@active")
        await expectFailUnchanged(chain, () => chain.token.actions.transfer(["boidtoken", "alice", boid(1_0000), ""]).send("alice@active"), missingAuth("boidtoken"))
        await expectFailUnchanged(chain, () => chain.token.actions.transfer(["boidtoken", "alice", boid(11_0000), ""]).send("boidtoken@active"), assertMsg("overdrawn balance"))
    })

    it("open, close and retire follow eosio.token", async () => {
        await chain.token.actions.issue(["boidtoken", boid(10_0000), ""]).send("boidtoken@active")
        await chain.token.actions.open(["bob", "4,BOID", "alice"]).send("alice@active")
        expect(balance(chain, "bob")).to.equal(boid(0))
        await chain.token.actions.close(["bob", "4,BOID"]).send("bob@active")
        expect(balance(chain, "bob")).to.equal(undefined)
        await chain.token.actions.retire([boid(4_0000), ""]).send("boidtoken@active")
        expect(balance(chain, "boidtoken")).to.equal(boid(6_0000))
        expect(chain.token.tables.stat(symbolCode("BOID")).getTableRow(symbolCode("BOID")).supply).to.equal(boid(6_0000))
    })
})

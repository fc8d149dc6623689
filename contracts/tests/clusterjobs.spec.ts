import { expect } from "chai"
import {
    Chain, HASH_A, HASH_B, ROLE, addProtocol, assertMsg, contributor, createChain, expectFailUnchanged, missingAuth, n,
    record, recordBatch, setTime, standardSetup, stats, u64,
} from "./helpers"

describe("clusterjobs", () => {
    let chain: Chain
    beforeEach(async () => {
        chain = await createChain()
        await standardSetup(chain)
    })

    describe("conntoreg", () => {
        it("stores the registry under the contract's own authority", async () => {
            expect(chain.jobs.tables.config(n("clusterjobs")).getTableRows()).to.deep.equal([{ registry: "clusterreg" }])
        })
        it("refuses any other signer and unknown accounts", async () => {
            await expectFailUnchanged(chain, () => chain.jobs.actions.conntoreg(["mallory"]).send("mallory@active"), missingAuth("clusterjobs"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.conntoreg(["nobody"]).send("clusterjobs@active"), assertMsg("registry account does not exist"))
        })
        it("every protocol action needs the link", async () => {
            const fresh = await createChain()
            await fresh.reg.actions.setconfig(["clusterjobs"]).send("clusterreg@active")
            await expectFailUnchanged(fresh, () => fresh.jobs.actions.regworker(["proteins", "worker1"]).send("worker1@active"), assertMsg("clusterjobs is not connected: run conntoreg"))
        })
    })

    describe("contributors", () => {
        it("regworker: the worker registers itself, or the owner registers it", async () => {
            expect(contributor(chain, "workers", "proteins", "worker1")).to.deep.equal({ account: "worker1", total: 0, unpaid: 0, records: 0, registered_at: 0, last_credit_at: 0 })
            await chain.jobs.actions.regworker(["proteins", "worker2"]).send("teamalpha@active")
            expect(contributor(chain, "workers", "proteins", "worker2").account).to.equal("worker2")
        })
        it("regworker: nobody else, no duplicates, only existing accounts and protocols", async () => {
            await expectFailUnchanged(chain, () => chain.jobs.actions.regworker(["proteins", "worker2"]).send("mallory@active"), assertMsg("missing authority of worker or protocol owner"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.regworker(["proteins", "worker1"]).send("worker1@active"), assertMsg("worker1 is already a registered worker"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.regworker(["proteins", "ghost"]).send("teamalpha@active"), assertMsg("worker account does not exist"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.regworker(["genomes", "worker2"]).send("worker2@active"), assertMsg("protocol genomes not found in registry"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.regworker(["gen.omes", "worker2"]).send("worker2@active"), assertMsg("protocol name must not contain dots"))
        })
        it("regdisptch and regstorage: only the protocol owner", async () => {
            await expectFailUnchanged(chain, () => chain.jobs.actions.regdisptch(["proteins", "dispatch2"]).send("dispatch2@active"), missingAuth("teamalpha"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.regstorage(["proteins", "worker2"]).send("worker2@active"), missingAuth("teamalpha"))
            await chain.jobs.actions.regdisptch(["proteins", "dispatch2"]).send("teamalpha@active")
            await chain.jobs.actions.regstorage(["proteins", "worker2"]).send("teamalpha@active")
            expect(contributor(chain, "dispatchers", "proteins", "dispatch2").account).to.equal("dispatch2")
            expect(contributor(chain, "storage", "proteins", "worker2").account).to.equal("worker2")
            await expectFailUnchanged(chain, () => chain.jobs.actions.regdisptch(["proteins", "dispatch2"]).send("teamalpha@active"), assertMsg("dispatch2 is already a registered dispatcher"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.regstorage(["proteins", "ghost"]).send("teamalpha@active"), assertMsg("storage account does not exist"))
        })
        it("delworker, deldisptch, delstorage: the contributor itself or the owner, nobody else", async () => {
            await expectFailUnchanged(chain, () => chain.jobs.actions.delworker(["proteins", "worker1"]).send("mallory@active"), assertMsg("missing authority of worker or protocol owner"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.deldisptch(["proteins", "dispatch1"]).send("mallory@active"), assertMsg("missing authority of dispatcher or protocol owner"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.delstorage(["proteins", "storage1"]).send("mallory@active"), assertMsg("missing authority of storage or protocol owner"))
            await chain.jobs.actions.delworker(["proteins", "worker1"]).send("worker1@active")
            await chain.jobs.actions.deldisptch(["proteins", "dispatch1"]).send("teamalpha@active")
            await chain.jobs.actions.delstorage(["proteins", "storage1"]).send("storage1@active")
            expect(chain.jobs.tables.workers(n("proteins")).getTableRows()).to.deep.equal([])
            expect(chain.jobs.tables.dispatchers(n("proteins")).getTableRows()).to.deep.equal([])
            expect(chain.jobs.tables.storage(n("proteins")).getTableRows()).to.deep.equal([])
            await expectFailUnchanged(chain, () => chain.jobs.actions.delworker(["proteins", "worker1"]).send("worker1@active"), assertMsg("worker1 is not a registered worker"))
        })
        it("a contributor with unpaid contribution cannot be removed", async () => {
            await recordBatch(chain, "dispatch1", "proteins", [record(1, "worker1", ROLE.worker, 10), record(2, "dispatch1", ROLE.dispatcher, 10), record(3, "storage1", ROLE.storage, 10)])
            await expectFailUnchanged(chain, () => chain.jobs.actions.delworker(["proteins", "worker1"]).send("worker1@active"), assertMsg("worker1 has unpaid contributions: pay them out first"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.deldisptch(["proteins", "dispatch1"]).send("dispatch1@active"), assertMsg("dispatch1 has unpaid contributions: pay them out first"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.delstorage(["proteins", "storage1"]).send("teamalpha@active"), assertMsg("storage1 has unpaid contributions: pay them out first"))
        })
        it("registration is per protocol: the owner of one protocol cannot touch another's", async () => {
            await addProtocol(chain, "genomes", "teambeta")
            await expectFailUnchanged(chain, () => chain.jobs.actions.regdisptch(["genomes", "dispatch1"]).send("teamalpha@active"), missingAuth("teambeta"))
            await chain.jobs.actions.regdisptch(["genomes", "dispatch2"]).send("teambeta@active")
            expect(contributor(chain, "dispatchers", "proteins", "dispatch2")).to.equal(undefined)
        })
    })

    describe("recordbatch", () => {
        it("credits total and unpaid of every role, keeps each record and the protocol sums", async () => {
            setTime(chain, 1_700_000_000)
            await recordBatch(chain, "dispatch1", "proteins", [
                record(10, "worker1", ROLE.worker, 1_000_000, 7),
                record(11, "worker1", ROLE.worker, 500_000, 7),
                record(12, "dispatch1", ROLE.dispatcher, 20_000, 7),
                record(13, "storage1", ROLE.storage, "12345678901234", 7),
            ])
            expect(contributor(chain, "workers", "proteins", "worker1")).to.deep.equal({ account: "worker1", total: 1_500_000, unpaid: 1_500_000, records: 2, registered_at: 0, last_credit_at: 1_700_000_000 })
            expect(contributor(chain, "dispatchers", "proteins", "dispatch1")).to.include({ total: 20_000, unpaid: 20_000, records: 1 })
            expect(u64(contributor(chain, "storage", "proteins", "storage1").unpaid)).to.equal("12345678901234")
            expect(stats(chain, "proteins")).to.deep.equal({ protocol: "proteins", worker_unpaid: 1_500_000, dispatcher_unpaid: 20_000, storage_unpaid: "12345678901234", records: 4, jobs: 0 })
            expect(chain.jobs.tables.records(n("proteins")).getTableRow(13n)).to.deep.equal({ id: 13, contributor: "storage1", role: 2, amount: "12345678901234", job_id: 7, dispatcher: "dispatch1", recorded_at: 1_700_000_000 })
            expect(chain.bc.console).to.contain("recordbatch: credited 4, skipped 0")
        })
        it("handles ids and amounts beyond 2^53 (VeRT returns them as strings)", async () => {
            const big = "18446744073709551615"
            await recordBatch(chain, "dispatch1", "proteins", [record(big, "worker1", ROLE.worker, "9007199254740993")])
            const row = chain.jobs.tables.records(n("proteins")).getTableRow(BigInt(big))
            expect(u64(row.id)).to.equal(big)
            expect(u64(row.amount)).to.equal("9007199254740993")
        })
        it("a replayed batch is rejected with 'batch already recorded' and credits nothing", async () => {
            const batch = [record(1, "worker1", ROLE.worker, 1000), record(2, "dispatch1", ROLE.dispatcher, 2000)]
            await recordBatch(chain, "dispatch1", "proteins", batch)
            await expectFailUnchanged(chain, () => recordBatch(chain, "dispatch1", "proteins", batch), assertMsg("batch already recorded"))
            await expectFailUnchanged(chain, () => recordBatch(chain, "dispatch1", "proteins", [batch[1], batch[0]]), assertMsg("batch already recorded"))
            expect(contributor(chain, "workers", "proteins", "worker1")).to.include({ total: 1000, unpaid: 1000, records: 1 })
            expect(stats(chain, "proteins").records).to.equal(2)
        })
        it("a batch overlapping an earlier one credits only the new records", async () => {
            await recordBatch(chain, "dispatch1", "proteins", [record(1, "worker1", ROLE.worker, 1000), record(2, "worker1", ROLE.worker, 1000)])
            await recordBatch(chain, "dispatch1", "proteins", [record(2, "worker1", ROLE.worker, 1000), record(3, "worker1", ROLE.worker, 1000)])
            expect(contributor(chain, "workers", "proteins", "worker1")).to.include({ total: 3000, records: 3 })
            expect(chain.bc.console).to.contain("recordbatch: credited 1, skipped 1")
        })
        it("a duplicate inside one batch is skipped", async () => {
            await recordBatch(chain, "dispatch1", "proteins", [record(5, "worker1", ROLE.worker, 1000), record(5, "worker1", ROLE.worker, 1000)])
            expect(contributor(chain, "workers", "proteins", "worker1")).to.include({ total: 1000, records: 1 })
            expect(chain.bc.console).to.contain("recordbatch: credited 1, skipped 1")
        })
        it("a reused id with different content rejects the whole batch", async () => {
            await recordBatch(chain, "dispatch1", "proteins", [record(5, "worker1", ROLE.worker, 1000)])
            await expectFailUnchanged(chain, () => recordBatch(chain, "dispatch1", "proteins", [record(6, "worker1", ROLE.worker, 1), record(5, "worker1", ROLE.worker, 999)]),
                assertMsg("record 5 conflicts with the record already stored under that id"))
        })
        it("record ids are per protocol", async () => {
            await addProtocol(chain, "genomes", "teambeta")
            await chain.jobs.actions.regdisptch(["genomes", "dispatch2"]).send("teambeta@active")
            await chain.jobs.actions.regworker(["genomes", "worker1"]).send("worker1@active")
            await recordBatch(chain, "dispatch1", "proteins", [record(1, "worker1", ROLE.worker, 1000)])
            await recordBatch(chain, "dispatch2", "genomes", [record(1, "worker1", ROLE.worker, 3000)])
            expect(contributor(chain, "workers", "genomes", "worker1")).to.include({ total: 3000 })
            expect(contributor(chain, "workers", "proteins", "worker1")).to.include({ total: 1000 })
        })
        it("only a registered dispatcher of that protocol, signing as itself, may record", async () => {
            const batch = [record(1, "worker1", ROLE.worker, 1000)]
            await expectFailUnchanged(chain, () => recordBatch(chain, "dispatch1", "proteins", batch, "mallory"), missingAuth("dispatch1"))
            await expectFailUnchanged(chain, () => recordBatch(chain, "worker1", "proteins", batch), assertMsg("dispatcher worker1 is not registered for protocol proteins"))
            await expectFailUnchanged(chain, () => recordBatch(chain, "teamalpha", "proteins", batch), assertMsg("dispatcher teamalpha is not registered for protocol proteins"))
            await addProtocol(chain, "genomes", "teambeta")
            await chain.jobs.actions.regdisptch(["genomes", "dispatch2"]).send("teambeta@active")
            await expectFailUnchanged(chain, () => recordBatch(chain, "dispatch2", "proteins", batch), assertMsg("dispatcher dispatch2 is not registered for protocol proteins"))
        })
        it("rejects unregistered contributors, unknown roles, zero amounts, empty and oversized batches", async () => {
            await expectFailUnchanged(chain, () => recordBatch(chain, "dispatch1", "proteins", [record(1, "worker1", ROLE.worker, 5), record(2, "worker2", ROLE.worker, 5)]), assertMsg("record 2: worker2 is not a registered worker"))
            await expectFailUnchanged(chain, () => recordBatch(chain, "dispatch1", "proteins", [record(1, "worker1", ROLE.storage, 5)]), assertMsg("record 1: worker1 is not a registered storage"))
            await expectFailUnchanged(chain, () => recordBatch(chain, "dispatch1", "proteins", [record(1, "worker1", 3, 5)]), assertMsg("record 1 has an unknown role 3"))
            await expectFailUnchanged(chain, () => recordBatch(chain, "dispatch1", "proteins", [record(1, "worker1", ROLE.worker, 0)]), assertMsg("record 1 has a zero amount"))
            await expectFailUnchanged(chain, () => recordBatch(chain, "dispatch1", "proteins", []), assertMsg("batch is empty"))
            const many = Array.from({ length: 201 }, (_v, i) => record(i + 1, "worker1", ROLE.worker, 1))
            await expectFailUnchanged(chain, () => recordBatch(chain, "dispatch1", "proteins", many), assertMsg("batch has more than 200 records"))
        })
        it("accepts a full batch of 200 records", async () => {
            const many = Array.from({ length: 200 }, (_v, i) => record(i + 1, i % 2 ? "worker1" : "storage1", i % 2 ? ROLE.worker : ROLE.storage, 100))
            await recordBatch(chain, "dispatch1", "proteins", many)
            expect(stats(chain, "proteins")).to.include({ worker_unpaid: 10_000, storage_unpaid: 10_000, records: 200 })
        })
        it("refuses credit that would overflow uint64", async () => {
            await recordBatch(chain, "dispatch1", "proteins", [record(1, "worker1", ROLE.worker, "18446744073709551615")])
            await expectFailUnchanged(chain, () => recordBatch(chain, "dispatch1", "proteins", [record(2, "worker1", ROLE.worker, 1)]), assertMsg("total overflows uint64"))
        })
    })

    describe("jobs", () => {
        const job = { protocol: "proteins", job_id: 42, researcher: "alice", dispatcher: "dispatch1", content_hash: HASH_A, units: 100 }
        it("newjob anchors a job signed by its dispatcher, the researcher or the owner", async () => {
            setTime(chain, 1_700_000_000)
            await chain.jobs.actions.newjob(job).send("dispatch1@active")
            await chain.jobs.actions.newjob({ ...job, job_id: 43 }).send("alice@active")
            await chain.jobs.actions.newjob({ ...job, job_id: 44 }).send("teamalpha@active")
            expect(chain.jobs.tables.jobs(n("proteins")).getTableRow(42n)).to.deep.equal({
                id: 42, researcher: "alice", dispatcher: "dispatch1", content_hash: HASH_A, units: 100, units_done: 0, state: 0,
                created_at: 1_700_000_000, updated_at: 1_700_000_000,
            })
            expect(stats(chain, "proteins").jobs).to.equal(3)
        })
        it("newjob refuses other signers, unregistered dispatchers, duplicates and empty jobs", async () => {
            await expectFailUnchanged(chain, () => chain.jobs.actions.newjob(job).send("mallory@active"), assertMsg("missing authority of dispatcher, protocol researcher or protocol owner"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.newjob({ ...job, dispatcher: "dispatch2" }).send("dispatch2@active"), assertMsg("dispatcher dispatch2 is not registered for protocol proteins"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.newjob({ ...job, units: 0 }).send("dispatch1@active"), assertMsg("a job has at least one unit"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.newjob({ ...job, researcher: "ghost" }).send("dispatch1@active"), assertMsg("researcher account does not exist"))
            await chain.jobs.actions.newjob(job).send("dispatch1@active")
            await expectFailUnchanged(chain, () => chain.jobs.actions.newjob(job).send("dispatch1@active"), assertMsg("job 42 already exists"))
        })
        it("setjobstate moves a job forward and records progress and the new hash", async () => {
            await chain.jobs.actions.newjob(job).send("dispatch1@active")
            await chain.jobs.actions.setjobstate(["proteins", 42, 1, 10, HASH_A]).send("dispatch1@active")
            await chain.jobs.actions.setjobstate(["proteins", 42, 1, 60, HASH_A]).send("dispatch1@active")
            await chain.jobs.actions.setjobstate(["proteins", 42, 2, 100, HASH_B]).send("dispatch1@active")
            expect(chain.jobs.tables.jobs(n("proteins")).getTableRow(42n)).to.include({ state: 2, units_done: 100, content_hash: HASH_B })
            await expectFailUnchanged(chain, () => chain.jobs.actions.setjobstate(["proteins", 42, 3, 100, HASH_B]).send("dispatch1@active"), assertMsg("job is finished"))
        })
        it("setjobstate enforces its rules and its signers", async () => {
            await chain.jobs.actions.newjob(job).send("dispatch1@active")
            await chain.jobs.actions.setjobstate(["proteins", 42, 1, 50, HASH_A]).send("dispatch1@active")
            await expectFailUnchanged(chain, () => chain.jobs.actions.setjobstate(["proteins", 42, 1, 60, HASH_A]).send("alice@active"), assertMsg("missing authority of job dispatcher or protocol owner"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.setjobstate(["proteins", 42, 0, 50, HASH_A]).send("dispatch1@active"), assertMsg("job state cannot go back"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.setjobstate(["proteins", 42, 1, 40, HASH_A]).send("dispatch1@active"), assertMsg("units_done cannot decrease"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.setjobstate(["proteins", 42, 1, 101, HASH_A]).send("dispatch1@active"), assertMsg("units_done exceeds units"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.setjobstate(["proteins", 42, 5, 50, HASH_A]).send("dispatch1@active"), assertMsg("unknown job state 5"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.setjobstate(["proteins", 99, 1, 0, HASH_A]).send("dispatch1@active"), assertMsg("job not found"))
            await chain.jobs.actions.setjobstate(["proteins", 42, 4, 50, HASH_A]).send("teamalpha@active")
            expect(chain.jobs.tables.jobs(n("proteins")).getTableRow(42n).state).to.equal(4)
        })
        it("updatedptch hands a live job to another registered dispatcher", async () => {
            await chain.jobs.actions.regdisptch(["proteins", "dispatch2"]).send("teamalpha@active")
            await chain.jobs.actions.newjob(job).send("dispatch1@active")
            await expectFailUnchanged(chain, () => chain.jobs.actions.updatedptch(["proteins", 42, "dispatch2"]).send("dispatch2@active"), assertMsg("missing authority of job dispatcher or protocol owner"))
            await expectFailUnchanged(chain, () => chain.jobs.actions.updatedptch(["proteins", 42, "worker1"]).send("dispatch1@active"), assertMsg("dispatcher worker1 is not registered for protocol proteins"))
            await chain.jobs.actions.updatedptch(["proteins", 42, "dispatch2"]).send("dispatch1@active")
            expect(chain.jobs.tables.jobs(n("proteins")).getTableRow(42n).dispatcher).to.equal("dispatch2")
            await chain.jobs.actions.updatedptch(["proteins", 42, "dispatch1"]).send("teamalpha@active")
            await chain.jobs.actions.setjobstate(["proteins", 42, 3, 0, HASH_A]).send("dispatch1@active")
            await expectFailUnchanged(chain, () => chain.jobs.actions.updatedptch(["proteins", 42, "dispatch2"]).send("teamalpha@active"), assertMsg("job is finished"))
        })
        it("removejob: the job's researcher, dispatcher or the protocol owner", async () => {
            await chain.jobs.actions.newjob(job).send("dispatch1@active")
            await chain.jobs.actions.newjob({ ...job, job_id: 43 }).send("dispatch1@active")
            await chain.jobs.actions.newjob({ ...job, job_id: 44 }).send("dispatch1@active")
            await expectFailUnchanged(chain, () => chain.jobs.actions.removejob(["proteins", 42]).send("mallory@active"), assertMsg("missing authority of job researcher, job dispatcher or protocol owner"))
            await chain.jobs.actions.removejob(["proteins", 42]).send("alice@active")
            await chain.jobs.actions.removejob(["proteins", 43]).send("dispatch1@active")
            await chain.jobs.actions.removejob(["proteins", 44]).send("teamalpha@active")
            expect(chain.jobs.tables.jobs(n("proteins")).getTableRows()).to.deep.equal([])
            expect(stats(chain, "proteins").jobs).to.equal(0)
            await expectFailUnchanged(chain, () => chain.jobs.actions.removejob(["proteins", 42]).send("alice@active"), assertMsg("job not found"))
        })
    })
})

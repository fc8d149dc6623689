import { Asset, Contract, EMPTY_NAME, Name, Singleton, TableStore, check, isAccount, requireAuth, SAME_PAYER } from "proton-tsc"
import { FUND_MEMO_PREFIX, checkProtocolName, parseName } from "../common/names"
import { ProtoStatsView } from "../common/jobs.view"
import { TokenStatView, sendTransfer } from "../common/token.inline"
import { Protocol, RegConfig } from "./clusterreg.tables"

const MAX_TEXT = 256

/**
 * clusterreg — the registry of research protocols and the custodian of their funds.
 *
 * Tokens sent to this account with the memo `fund:<protocol>` raise that protocol's
 * fund; `payout` (callable only by the configured clusterjobs account) and
 * `delprotocol` (refund of what is left) pay out of it with inline transfers, so this
 * account's active permission must include `<this account>@eosio.code`.
 */
@contract
export class ClusterRegContract extends Contract {
    protocols: TableStore<Protocol> = new TableStore<Protocol>(this.receiver)
    config: Singleton<RegConfig> = new Singleton<RegConfig>(this.receiver)

    /** Names the clusterjobs account (the only caller of `payout`). Contract's own authority. */
    @action("setconfig")
    setconfig(jobs_contract: Name): void {
        requireAuth(this.receiver)
        check(isAccount(jobs_contract), "jobs_contract account does not exist")
        this.config.set(new RegConfig(jobs_contract), this.receiver)
    }

    /** Registers a protocol. Owner's authority; the owner pays the RAM. */
    @action("addprotocol")
    addprotocol(
        protocol: Name,
        owner: Name,
        title: string,
        researcher: Name,
        data_dir: string,
        fund_account: Name,
        token_contract: Name,
        worker_rate: Asset,
        dispatcher_rate: Asset,
        storage_rate: Asset,
    ): void {
        requireAuth(owner)
        checkProtocolName(protocol)
        check(!this.protocols.exists(protocol.N), "protocol already exists")
        check(isAccount(token_contract), "token_contract account does not exist")
        const sym = worker_rate.symbol
        check(sym.isValid(), "invalid rate symbol")
        const stats = new TableStore<TokenStatView>(token_contract, new Name(sym.code()))
        const stat = stats.get(sym.code())
        check(stat != null, "token_contract has no token " + sym.getSymbolString())
        check(stat!.supply.symbol == sym, "rate symbol precision does not match the token")

        const zero = new Asset(0, sym)
        const row = new Protocol(protocol, "", owner, EMPTY_NAME, "", EMPTY_NAME, token_contract, zero, zero, zero, zero, zero, zero)
        this.apply(row, title, researcher, data_dir, fund_account, worker_rate, dispatcher_rate, storage_rate)
        this.protocols.store(row, owner)
    }

    /** Changes a protocol's description, researcher, fund account and rates. Owner's authority. */
    @action("updprotocol")
    updprotocol(
        protocol: Name,
        title: string,
        researcher: Name,
        data_dir: string,
        fund_account: Name,
        worker_rate: Asset,
        dispatcher_rate: Asset,
        storage_rate: Asset,
    ): void {
        const row = this.protocols.requireGet(protocol.N, "protocol not found")
        requireAuth(row.owner)
        this.apply(row, title, researcher, data_dir, fund_account, worker_rate, dispatcher_rate, storage_rate)
        this.protocols.update(row, SAME_PAYER)
    }

    /**
     * Deletes a protocol. Owner's authority. Refused while clusterjobs holds unpaid
     * contribution for it; whatever is left in the fund goes back to the fund account.
     */
    @action("delprotocol")
    delprotocol(protocol: Name): void {
        const row = this.protocols.requireGet(protocol.N, "protocol not found")
        requireAuth(row.owner)
        const cfg = this.config.get()
        if (cfg.jobs_contract != EMPTY_NAME) {
            const statsTable = new TableStore<ProtoStatsView>(cfg.jobs_contract)
            const stats = statsTable.get(protocol.N)
            if (stats != null) {
                check(
                    stats.worker_unpaid == 0 && stats.dispatcher_unpaid == 0 && stats.storage_unpaid == 0,
                    "protocol has unpaid contributions: pay them out first",
                )
            }
        }
        const refund = row.fund
        this.protocols.remove(row)
        if (refund.amount > 0) {
            sendTransfer(row.token_contract, this.receiver, row.fund_account, refund, "boid: refund of protocol " + protocol.toString())
        }
    }

    /**
     * Funding: notification of a token transfer to this account. The memo must be
     * `fund:<protocol>`; the token contract and symbol must be the protocol's.
     * Outgoing transfers (payouts, refunds) are ignored.
     */
    @action("transfer", notify)
    transfer(from: Name, to: Name, quantity: Asset, memo: string): void {
        if (from == this.receiver || to != this.receiver) return
        check(memo.startsWith(FUND_MEMO_PREFIX), "memo must be fund:<protocol>")
        const protocol = parseName(memo.substring(FUND_MEMO_PREFIX.length))
        check(protocol != EMPTY_NAME, "memo must be fund:<protocol>")
        const row = this.protocols.requireGet(protocol.N, "protocol not found: " + protocol.toString())
        check(this.firstReceiver == row.token_contract, "protocol is funded by " + row.token_contract.toString() + ", not " + this.firstReceiver.toString())
        check(quantity.symbol == row.fund.symbol, "protocol is funded in " + row.fund.symbol.getSymbolString())
        check(quantity.amount > 0, "must fund a positive quantity")
        row.fund = Asset.add(row.fund, quantity)
        row.funded = Asset.add(row.funded, quantity)
        this.protocols.update(row, SAME_PAYER)
    }

    /**
     * Pays `quantity` from a protocol's fund to `to` by an inline token transfer.
     * Only the configured clusterjobs account may call it (it computes what is owed).
     */
    @action("payout")
    payout(protocol: Name, to: Name, quantity: Asset, memo: string): void {
        const cfg = this.config.get()
        check(cfg.jobs_contract != EMPTY_NAME, "clusterreg is not configured: run setconfig")
        requireAuth(cfg.jobs_contract)
        const row = this.protocols.requireGet(protocol.N, "protocol not found")
        check(quantity.symbol == row.fund.symbol, "payout symbol does not match the fund")
        check(quantity.amount > 0, "payout must be positive")
        check(quantity.amount <= row.fund.amount, "fund exhausted: fund holds " + row.fund.toString() + ", payout needs " + quantity.toString())
        row.fund = Asset.sub(row.fund, quantity)
        row.paid = Asset.add(row.paid, quantity)
        this.protocols.update(row, SAME_PAYER)
        sendTransfer(row.token_contract, this.receiver, to, quantity, memo)
    }

    private apply(
        row: Protocol,
        title: string,
        researcher: Name,
        data_dir: string,
        fund_account: Name,
        worker_rate: Asset,
        dispatcher_rate: Asset,
        storage_rate: Asset,
    ): void {
        check(title.length > 0 && title.length <= MAX_TEXT, "title must be 1-256 characters")
        check(data_dir.length <= MAX_TEXT, "data_dir must be at most 256 characters")
        check(isAccount(researcher), "researcher account does not exist")
        check(isAccount(fund_account), "fund_account account does not exist")
        const sym = row.fund.symbol
        check(worker_rate.symbol == sym && dispatcher_rate.symbol == sym && storage_rate.symbol == sym, "rates must be in the fund token " + sym.getSymbolString())
        check(worker_rate.amount >= 0 && dispatcher_rate.amount >= 0 && storage_rate.amount >= 0, "rates must not be negative")
        check(worker_rate.isValid() && dispatcher_rate.isValid() && storage_rate.isValid(), "invalid rate")
        row.title = title
        row.researcher = researcher
        row.data_dir = data_dir
        row.fund_account = fund_account
        row.worker_rate = worker_rate
        row.dispatcher_rate = dispatcher_rate
        row.storage_rate = storage_rate
    }
}

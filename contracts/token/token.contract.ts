import { Asset, Contract, Name, Symbol, TableStore, check, hasAuth, isAccount, requireAuth, requireRecipient } from "proton-tsc"
import { Account, Stat } from "./token.tables"

/**
 * A token contract with the eosio.token interface (create, issue, retire, transfer,
 * open, close) and the same table layout, so that clusterreg can be tested against
 * it and deployed against any eosio.token-compatible token on a real chain.
 */
@contract
export class TokenContract extends Contract {
    @action("create")
    create(issuer: Name, maximum_supply: Asset): void {
        requireAuth(this.receiver)
        const sym = maximum_supply.symbol
        check(sym.isValid(), "invalid symbol name")
        check(maximum_supply.isValid(), "invalid supply")
        check(maximum_supply.amount > 0, "max-supply must be positive")
        const stats = new TableStore<Stat>(this.receiver, new Name(sym.code()))
        check(!stats.exists(sym.code()), "token with symbol already exists")
        stats.store(new Stat(new Asset(0, sym), maximum_supply, issuer), this.receiver)
    }

    @action("issue")
    issue(to: Name, quantity: Asset, memo: string): void {
        const sym = quantity.symbol
        check(sym.isValid(), "invalid symbol name")
        check(memo.length <= 256, "memo has more than 256 bytes")
        const stats = new TableStore<Stat>(this.receiver, new Name(sym.code()))
        const st = stats.requireGet(sym.code(), "token with symbol does not exist, create token before issue")
        check(to == st.issuer, "tokens can only be issued to issuer account")
        requireAuth(st.issuer)
        check(quantity.isValid(), "invalid quantity")
        check(quantity.amount > 0, "must issue positive quantity")
        check(quantity.symbol == st.supply.symbol, "symbol precision mismatch")
        check(quantity.amount <= st.max_supply.amount - st.supply.amount, "quantity exceeds available supply")
        st.supply = Asset.add(st.supply, quantity)
        stats.update(st, st.issuer)
        this.addBalance(st.issuer, quantity, st.issuer)
    }

    @action("retire")
    retire(quantity: Asset, memo: string): void {
        const sym = quantity.symbol
        check(sym.isValid(), "invalid symbol name")
        check(memo.length <= 256, "memo has more than 256 bytes")
        const stats = new TableStore<Stat>(this.receiver, new Name(sym.code()))
        const st = stats.requireGet(sym.code(), "token with symbol does not exist")
        requireAuth(st.issuer)
        check(quantity.isValid(), "invalid quantity")
        check(quantity.amount > 0, "must retire positive quantity")
        check(quantity.symbol == st.supply.symbol, "symbol precision mismatch")
        st.supply = Asset.sub(st.supply, quantity)
        stats.update(st, st.issuer)
        this.subBalance(st.issuer, quantity)
    }

    @action("transfer")
    transfer(from: Name, to: Name, quantity: Asset, memo: string): void {
        check(from != to, "cannot transfer to self")
        requireAuth(from)
        check(isAccount(to), "to account does not exist")
        const sym = quantity.symbol
        const stats = new TableStore<Stat>(this.receiver, new Name(sym.code()))
        const st = stats.requireGet(sym.code(), "token with symbol does not exist")
        requireRecipient(from)
        requireRecipient(to)
        check(quantity.isValid(), "invalid quantity")
        check(quantity.amount > 0, "must transfer positive quantity")
        check(quantity.symbol == st.supply.symbol, "symbol precision mismatch")
        check(memo.length <= 256, "memo has more than 256 bytes")
        const payer = hasAuth(to) ? to : from
        this.subBalance(from, quantity)
        this.addBalance(to, quantity, payer)
    }

    @action("open")
    open(owner: Name, symbol: Symbol, ram_payer: Name): void {
        requireAuth(ram_payer)
        check(isAccount(owner), "owner account does not exist")
        const stats = new TableStore<Stat>(this.receiver, new Name(symbol.code()))
        const st = stats.requireGet(symbol.code(), "symbol does not exist")
        check(st.supply.symbol == symbol, "symbol precision mismatch")
        const accounts = new TableStore<Account>(this.receiver, owner)
        if (!accounts.exists(symbol.code())) {
            accounts.store(new Account(new Asset(0, symbol)), ram_payer)
        }
    }

    @action("close")
    close(owner: Name, symbol: Symbol): void {
        requireAuth(owner)
        const accounts = new TableStore<Account>(this.receiver, owner)
        const row = accounts.requireGet(symbol.code(), "Balance row already deleted or never existed. Action won't have any effect.")
        check(row.balance.amount == 0, "Cannot close because the balance is not zero.")
        accounts.remove(row)
    }

    private subBalance(owner: Name, value: Asset): void {
        const accounts = new TableStore<Account>(this.receiver, owner)
        const row = accounts.requireGet(value.symbol.code(), "no balance object found")
        check(row.balance.amount >= value.amount, "overdrawn balance")
        row.balance = Asset.sub(row.balance, value)
        accounts.update(row, owner)
    }

    private addBalance(owner: Name, value: Asset, ramPayer: Name): void {
        const accounts = new TableStore<Account>(this.receiver, owner)
        const row = accounts.get(value.symbol.code())
        if (row == null) {
            accounts.store(new Account(value), ramPayer)
        } else {
            row.balance = Asset.add(row.balance, value)
            accounts.update(row, ramPayer)
        }
    }
}

// A few seconds of ordinary Groovy for the integration tests: classes, closures, collections,
// string templates and dynamic dispatch. Everything printed comes from sorted data.

class Account {
  String id
  String owner
  BigDecimal balance = 0
  List<BigDecimal> history = []

  void post(BigDecimal amount) {
    balance += amount
    history << amount
  }

  String toString() { "${id}:${owner}:${balance}" }
}

interface Rule {
  boolean applies(Account a)
}

class MinimumBalance implements Rule {
  BigDecimal limit
  boolean applies(Account a) { a.balance < limit }
}

long seed = 7
def next = { -> seed = (seed * 16807) % 2147483647; seed }

def owners = (1..400).collect { "owner-${it}" as String }
def accounts = (1..3000).collect { i ->
  new Account(id: String.format('A%05d', i), owner: owners[(int) (next() % owners.size())])
}
15.times { round ->
  accounts.each { a ->
    a.post(new BigDecimal(next() % 20000 - 9000).movePointLeft(2))
  }
}

def byOwner = accounts.groupBy { it.owner }
def totals = new TreeMap(byOwner.collectEntries { owner, list -> [owner, list.sum { it.balance }] })
println "owners ${totals.size()} first ${totals.firstEntry()} last ${totals.lastEntry()}"

def rules = [new MinimumBalance(limit: 0), new MinimumBalance(limit: -100),
             [applies: { Account a -> a.history.size() > 19 && a.history[-1] < 0 }] as Rule]
rules.eachWithIndex { r, i ->
  println "rule ${i} flags ${accounts.count { r.applies(it) }}"
}

def words = [:]
def text = (1..30000).collect { "w${next() % 2500}" }
text.each { w -> words[w] = (words[w] ?: 0) + 1 }
def top = words.entrySet().sort { a, b -> b.value <=> a.value ?: a.key <=> b.key }.take(5)
println "words ${words.size()} top ${top.collect { "${it.key}=${it.value}" }.join(',')}"

def report = new StringBuilder()
accounts.sort { a, b -> b.balance <=> a.balance ?: a.id <=> b.id }.take(10).each {
  report << "${it.id.padRight(8)}${it.owner.padRight(12)}${it.balance.setScale(2).toPlainString().padLeft(12)}\n"
}
print report

def fib
fib = { int n -> n < 2 ? n : fib(n - 1) + fib(n - 2) }
println "fib ${fib(24)}"
println "expando ${(1..2000).collect { i -> def e = new Expando(n: i); e.double = { -> n * 2 }; e.double() }.sum()}"

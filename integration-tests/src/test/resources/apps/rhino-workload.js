// A few seconds of ordinary JavaScript for Mozilla Rhino: records built and indexed in objects,
// JSON round trips, string work, sorting, closures and regular expressions. It prints only
// values computed from sorted data, so its output does not depend on any map's iteration order.

function lcg(seed) {
  var s = seed;
  return function () {
    s = (s * 16807) % 2147483647; // exact in doubles: the product stays below 2^53
    return s;
  };
}

var next = lcg(42);
var cities = ["Oslo", "Lima", "Pune", "Kyiv", "Lyon", "Perth", "Quito", "Riga", "Sofia", "Turin"];
var people = [];
for (var i = 0; i < 25000; i++) {
  people.push({
    id: i,
    name: "person" + (next() % 100000),
    city: cities[next() % cities.length],
    age: 18 + next() % 60,
    tags: ["t" + (next() % 50), "t" + (next() % 50)]
  });
}

// Group by city and by tag, with plain objects as maps.
var byCity = {};
var byTag = {};
people.forEach(function (p) {
  var c = byCity[p.city] || (byCity[p.city] = { count: 0, ages: 0 });
  c.count++;
  c.ages += p.age;
  p.tags.forEach(function (t) {
    byTag[t] = (byTag[t] || 0) + 1;
  });
});
Object.keys(byCity).sort().forEach(function (c) {
  print("city " + c + " " + byCity[c].count + " " + (byCity[c].ages / byCity[c].count).toFixed(3));
});
var topTags = Object.keys(byTag).sort(function (a, b) {
  return byTag[b] - byTag[a] || (a < b ? -1 : 1);
}).slice(0, 5);
print("top tags " + topTags.map(function (t) { return t + "=" + byTag[t]; }).join(","));

// JSON round trips of chunks of the data.
var total = 0;
for (var k = 0; k < 12; k++) {
  var chunk = people.slice(k * 2000, (k + 1) * 2000);
  var text = JSON.stringify(chunk);
  var back = JSON.parse(text);
  total += text.length + back.length;
}
print("json " + total);

// Word frequencies over generated text, with a regular expression tokenizer.
var words = [];
for (var w = 0; w < 50000; w++) {
  words.push(cities[next() % cities.length].toLowerCase() + (next() % 300));
}
var text = words.join(" ");
var freq = {};
var re = /[a-z]+(\d+)/g;
var m;
while ((m = re.exec(text)) !== null) {
  freq[m[0]] = (freq[m[0]] || 0) + 1;
}
var distinct = Object.keys(freq).sort();
print("words " + distinct.length + " first " + distinct[0] + "=" + freq[distinct[0]] +
      " last " + distinct[distinct.length - 1] + "=" + freq[distinct[distinct.length - 1]]);

// Sorting records by several keys.
var sorted = people.slice().sort(function (a, b) {
  return a.city < b.city ? -1 : a.city > b.city ? 1 : a.age - b.age || a.id - b.id;
});
print("sorted " + sorted[0].id + " " + sorted[sorted.length - 1].id + " " + sorted[12345].name);

// A memoized recursive function with an object cache.
var memo = {};
function paths(r, c) {
  if (r === 0 || c === 0) return 1;
  var key = r + ":" + c;
  if (memo[key] !== undefined) return memo[key];
  var v = (paths(r - 1, c) + paths(r, c - 1)) % 1000000007;
  memo[key] = v;
  return v;
}
print("paths " + paths(150, 150) + " memo " + Object.keys(memo).length);

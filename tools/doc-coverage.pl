#!/usr/bin/env perl
# Fails when an object of the extension is not documented.
#
# Installs ar_credit in a fresh database, lists what it consists of and
# checks that each name appears in the documentation (default doc/*.md):
#   functions, aggregates and trigger functions (pg_proc members of the
#     extension): the doc must show a call `name(`;
#   types, tables, views and sequences (pg_type, pg_class members): the doc
#     must name them qualified, `ar_credit.name`;
#   columns of the tables and views: a reference-table row `| `column` |`
#     in the section whose heading names the relation (`ar_credit.name`);
#   operators: `op` in backquotes; operator classes and families: their name;
#   roles ar_credit_*: their name; GUCs ar_credit.* (read from pg_settings
#     once the module is loaded): `ar_credit.name`.
# Output is TAP, one line per object (`prove tools/doc-coverage.pl`).
use strict;
use warnings;

$ENV{PGOPTIONS} = '-c client_min_messages=warning';
my @files = @ARGV ? @ARGV : glob('doc/*.md');
my $doc = '';
for my $file (@files) {
    open my $fh, '<', $file or die "$file: $!";
    local $/;
    $doc .= <$fh>;
    close $fh;
}

# the text under each heading naming a relation, up to the next heading
# (lines starting with # inside ``` blocks are not headings)
my %sections;
{
    my ($fenced, @names, $body) = (0);
    my $flush = sub { push @{ $sections{$_} }, $body for @names; };
    for my $line (split /^/m, $doc) {
        $fenced = !$fenced if $line =~ /^```/;
        if (!$fenced && $line =~ /^#/) {
            $flush->();
            @names = $line =~ /`ar_credit\.(\w+)`/g;
            $body = '';
        }
        $body .= $line;
    }
    $flush->();
}

my $db = 'doc_coverage';
system('dropdb', '--if-exists', $db);
system('createdb', $db) == 0 or die "createdb $db failed\n";

# kind <TAB> object description <TAB> name to look for
my $sql = <<'SQL';
CREATE EXTENSION ar_credit;
-- calling a C function loads the module, which defines the GUCs
SELECT FROM ar_credit.days_past_due(current_date, current_date);
WITH m AS (
    SELECT d.classid, d.objid
      FROM pg_catalog.pg_depend AS d
      JOIN pg_catalog.pg_extension AS e ON e.oid = d.refobjid
     WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
       AND e.extname = 'ar_credit' AND d.deptype = 'e'
)
SELECT kind, what, name FROM (
    SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'function' END AS kind,
           pg_catalog.format('%s(%s)', p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) AS what,
           p.proname::text AS name
      FROM m JOIN pg_catalog.pg_proc AS p ON m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND p.oid = m.objid
    UNION ALL
    -- not the array type PostgreSQL makes for each type (17 and later record
    -- those as members of the extension too): it is documented with its type
    SELECT 'type', t.typname, t.typname
      FROM m JOIN pg_catalog.pg_type AS t ON m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND t.oid = m.objid
     WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_type AS e WHERE e.typarray OPERATOR(pg_catalog.=) t.oid)
    UNION ALL
    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'S' THEN 'sequence' ELSE 'table' END, c.relname, c.relname
      FROM m JOIN pg_catalog.pg_class AS c ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = m.objid
    UNION ALL
    SELECT 'column', c.relname || '.' || a.attname, a.attname
      FROM m JOIN pg_catalog.pg_class AS c ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = m.objid
      JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE c.relkind IN ('r', 'p', 'v')
    UNION ALL
    SELECT 'operator', pg_catalog.format('%s(%s, %s)', o.oprname, o.oprleft::pg_catalog.regtype, o.oprright::pg_catalog.regtype),
           o.oprname
      FROM m JOIN pg_catalog.pg_operator AS o ON m.classid = 'pg_catalog.pg_operator'::pg_catalog.regclass AND o.oid = m.objid
    UNION ALL
    SELECT 'operator class', c.opcname, c.opcname
      FROM m JOIN pg_catalog.pg_opclass AS c ON m.classid = 'pg_catalog.pg_opclass'::pg_catalog.regclass AND c.oid = m.objid
    UNION ALL
    SELECT 'operator family', f.opfname, f.opfname
      FROM m JOIN pg_catalog.pg_opfamily AS f ON m.classid = 'pg_catalog.pg_opfamily'::pg_catalog.regclass AND f.oid = m.objid
    UNION ALL
    SELECT 'role', r.rolname, r.rolname FROM pg_catalog.pg_roles AS r WHERE r.rolname LIKE 'ar\_credit\_%'
    UNION ALL
    SELECT 'GUC', s.name, s.name FROM pg_catalog.pg_settings AS s WHERE s.name LIKE 'ar\_credit.%'
) AS x
ORDER BY CASE kind WHEN 'type' THEN 1 WHEN 'function' THEN 2 WHEN 'aggregate' THEN 3 WHEN 'operator' THEN 4
                   WHEN 'operator class' THEN 5 WHEN 'operator family' THEN 6 WHEN 'table' THEN 7
                   WHEN 'view' THEN 8 WHEN 'sequence' THEN 9 WHEN 'column' THEN 10 WHEN 'role' THEN 11 ELSE 12 END,
         what;
SQL

open my $psql, '-|', 'psql', '-X', '-q', '-A', '-t', '-F', "\t", '-v', 'ON_ERROR_STOP=1', '-d', $db, '-c', $sql
    or die "psql: $!";
my @objects = map { chomp; [split /\t/] } grep { /\t/ } <$psql>;
close $psql;
my $psql_rc = $? >> 8;
system('dropdb', $db);

my $n = 0;
my $failed = 0;
sub check {
    my ($pass, $name) = @_;
    $n++;
    $failed++ unless $pass;
    print(($pass ? 'ok' : 'not ok') . " $n - $name\n");
}

check($psql_rc == 0 && @objects > 0, 'the extension\'s objects are listed');
my %count;
for my $o (@objects) {
    my ($kind, $what, $name) = @$o;
    my $q = quotemeta $name;
    my $pass;
    if ($kind eq 'function' || $kind eq 'aggregate') {
        $pass = $doc =~ /(?<![\w.])(?:ar_credit\.)?$q\(/;
    } elsif ($kind =~ /^(type|table|view|sequence)$/) {
        $pass = $doc =~ /\bar_credit\.$q\b/;
    } elsif ($kind eq 'column') {
        my ($rel) = split /\./, $what;
        $pass = grep { /^\|\s*`$q`/m } @{ $sections{$rel} // [] };
    } elsif ($kind eq 'operator') {
        $pass = $doc =~ /`$q`/;
    } elsif ($kind eq 'GUC') {
        $pass = $doc =~ /`$q[`\s=]/;
    } else {
        $pass = $doc =~ /\b$q\b/;
    }
    $count{$kind}++;
    my $qual = $kind =~ /^(role|GUC)$/ ? $what : "ar_credit.$what";
    check($pass, "documented: $kind $qual");
}
check(($count{GUC} // 0) > 0, 'the module\'s GUCs are listed (module loaded)');
check(($count{role} // 0) > 0, 'the extension\'s roles are listed');
print "# checked: ", join(', ', map { "$count{$_} $_" } sort keys %count), "\n";
print "1..$n\n";
exit($failed ? 1 : 0);

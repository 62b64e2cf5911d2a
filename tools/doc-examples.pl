#!/usr/bin/env perl
# Runs the examples of the documentation and checks their printed results.
#
# In a Markdown file, a ```sql block immediately followed by a ```text block is
# an example: the SQL is run with psql (unaligned, tuples only, '|' between
# columns) and its output must equal the text block. All examples of one file
# run in order in one fresh database, so later examples can use earlier ones.
# Output is TAP (run with `prove tools/doc-examples.pl :: doc/*.md`).
use strict;
use warnings;
use IPC::Open3;

$ENV{PGOPTIONS} = '-c client_min_messages=warning';
my @files = @ARGV ? @ARGV : glob('doc/*.md');
my $n = 0;
my $failed = 0;

sub run_psql {
    my ($db, $sql) = @_;
    my $pid = open3(my $in, my $out, undef,
                    'psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', $db);
    print $in "SET client_min_messages = warning;\n$sql\n";
    close $in;
    local $/;
    my $got = <$out> // '';
    waitpid($pid, 0);
    return ($got, $? >> 8);
}

for my $file (@files) {
    open my $fh, '<', $file or die "$file: $!";
    my @lines = <$fh>;
    close $fh;

    my @examples;
    for (my $i = 0; $i < @lines; $i++) {
        next unless $lines[$i] =~ /^```sql\s*$/;
        my $start = $i + 1;
        my $sql = '';
        for ($i++; $i < @lines && $lines[$i] !~ /^```\s*$/; $i++) { $sql .= $lines[$i]; }
        next unless $i + 1 < @lines && $lines[$i + 1] =~ /^```text\s*$/;
        my $want = '';
        for ($i += 2; $i < @lines && $lines[$i] !~ /^```\s*$/; $i++) { $want .= $lines[$i]; }
        push @examples, [$start, $sql, $want];
    }
    next unless @examples;

    (my $db = "doc_" . lc($file =~ s{.*/}{}r)) =~ s/[^a-z0-9_]/_/g;
    system('dropdb', '--if-exists', $db);
    system('createdb', $db) == 0 or die "createdb $db failed\n";
    # the prelude of every file: the extension itself
    run_psql($db, 'CREATE EXTENSION IF NOT EXISTS ar_credit;');
    for my $ex (@examples) {
        my ($line, $sql, $want) = @$ex;
        my ($got, $rc) = run_psql($db, $sql);
        $n++;
        if ($rc == 0 && $got eq $want) {
            print "ok $n - $file:$line\n";
        } else {
            $failed++;
            print "not ok $n - $file:$line\n";
            print map { "#   $_\n" } split /\n/, "SQL:\n$sql\nwant:\n$want\ngot (exit $rc):\n$got";
        }
    }
    system('dropdb', $db);
}
print "1..$n\n";
exit($failed ? 1 : 0);

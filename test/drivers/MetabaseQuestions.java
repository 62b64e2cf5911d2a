// The SQL Metabase's query processor emits for a filtered, grouped, ordered
// question on each view (quoted, fully qualified names; filter values bound
// with setString, as Metabase binds strings), run as ar_bi_driver.  Part of
// the pgjdbc driver test (BiJdbc.java).
import java.sql.Connection;

final class MetabaseQuestions {
    private MetabaseQuestions() {
    }

    static void run() {
        BiJdbc.check("metabase: aging_report, total > 100, sum of the buckets by customer, ordered by sum desc",
                     "102|0|0|2000.00|300.00|0|2300.00;101|1000.00|210.36|0|0|0|1210.36;103|0|0|0|0|250.00|250.00",
                     () -> { try (Connection c = BiJdbc.connect()) { return BiJdbc.rows(c,
            "SELECT \"ar_credit\".\"aging_report\".\"customer_key\" AS \"customer_key\","
            + " SUM(\"ar_credit\".\"aging_report\".\"current\") AS \"sum\","
            + " SUM(\"ar_credit\".\"aging_report\".\"d1_30\") AS \"sum_2\","
            + " SUM(\"ar_credit\".\"aging_report\".\"d31_60\") AS \"sum_3\","
            + " SUM(\"ar_credit\".\"aging_report\".\"d61_90\") AS \"sum_4\","
            + " SUM(\"ar_credit\".\"aging_report\".\"over_90\") AS \"sum_5\","
            + " SUM(\"ar_credit\".\"aging_report\".\"total\") AS \"sum_6\""
            + " FROM \"ar_credit\".\"aging_report\""
            + " WHERE \"ar_credit\".\"aging_report\".\"total\" > 100"
            + " GROUP BY \"ar_credit\".\"aging_report\".\"customer_key\""
            + " ORDER BY \"sum_6\" DESC, \"ar_credit\".\"aging_report\".\"customer_key\" ASC"); } });
        BiJdbc.check("metabase: dunning_due, channel = setString('email'), count and sum by label",
                     "first reminder|1|210.36",
                     () -> { try (Connection c = BiJdbc.connect()) { return BiJdbc.rows(c,
            "SELECT \"ar_credit\".\"dunning_due\".\"label\" AS \"label\", COUNT(*) AS \"count\","
            + " SUM(\"ar_credit\".\"dunning_due\".\"amount_due\") AS \"sum\""
            + " FROM \"ar_credit\".\"dunning_due\""
            + " WHERE \"ar_credit\".\"dunning_due\".\"channel\" = ?"
            + " GROUP BY \"ar_credit\".\"dunning_due\".\"label\""
            + " ORDER BY \"count\" DESC, \"ar_credit\".\"dunning_due\".\"label\" ASC", "email"); } });
        BiJdbc.check("metabase: open_invoices, status = setString('open'), sum by aging_bucket_no, aging_bucket, in aging order",
                     "0|current|1000.00;1|1-30|210.36;2|31-60|2000.00;4|>90|250.00",
                     () -> { try (Connection c = BiJdbc.connect()) { return BiJdbc.rows(c,
            "SELECT \"ar_credit\".\"open_invoices\".\"aging_bucket_no\" AS \"aging_bucket_no\","
            + " \"ar_credit\".\"open_invoices\".\"aging_bucket\" AS \"aging_bucket\","
            + " SUM(\"ar_credit\".\"open_invoices\".\"amount_due\") AS \"sum\""
            + " FROM \"ar_credit\".\"open_invoices\""
            + " WHERE \"ar_credit\".\"open_invoices\".\"status\" = ?"
            + " GROUP BY \"ar_credit\".\"open_invoices\".\"aging_bucket_no\", \"ar_credit\".\"open_invoices\".\"aging_bucket\""
            + " ORDER BY \"ar_credit\".\"open_invoices\".\"aging_bucket_no\" ASC,"
            + " \"ar_credit\".\"open_invoices\".\"aging_bucket\" ASC", "open"); } });
        sourceFilters();
        customerJoin();
    }

    /** source is text, the table's schema-qualified name: a setString filter matches. */
    static void sourceFilters() {
        String[][] views = {{"aging_report", "3"}, {"open_invoices", "5"}, {"dunning_due", "3"}};
        for (String[] v : views) {
            BiJdbc.check("metabase: " + v[0] + ", source = setString('public.inv')", v[1] + "|public.inv",
                         () -> { try (Connection c = BiJdbc.connect()) { return BiJdbc.rows(c,
                "SELECT COUNT(*) AS \"count\", min(\"ar_credit\".\"" + v[0] + "\".\"source\") AS \"min\""
                + " FROM \"ar_credit\".\"" + v[0] + "\""
                + " WHERE \"ar_credit\".\"" + v[0] + "\".\"source\" = ?", "public.inv"); } });
        }
    }

    /** customer_key is text: a join on an integer id is refused with 42883;
        the documented workaround (compare as text) works. */
    static void customerJoin() {
        BiJdbc.check("customer_key = integer id is refused with 42883 (documented)",
                     "42883",
                     () -> { try (Connection c = BiJdbc.connect()) {
                         BiJdbc.rows(c, "SELECT 1 FROM ar_credit.aging_report a JOIN public.customer cu ON a.customer_key = cu.id");
                         return "no error"; } catch (java.sql.SQLException e) { return e.getSQLState(); } });
        BiJdbc.check("workaround: join on customer_key = id::text",
                     "ACME|1210.36;Bolt|2300.00;Cyan|250.00",
                     () -> { try (Connection c = BiJdbc.connect()) { return BiJdbc.rows(c,
            "SELECT cu.name, a.total FROM ar_credit.aging_report a"
            + " JOIN public.customer cu ON a.customer_key = cu.id::text ORDER BY cu.name"); } });
    }
}

// Driver test on pgjdbc, the driver of Metabase and most BI tools (issue 17).
// Compiled and run by test/drivers/run.sh against Debian's
// /usr/share/java/postgresql.jar; connects as ar_bi_driver (ar_credit_reader
// plus SELECT on public.customer) with ar_credit off the search path, and
// prints TAP lines ("ok - ..." / "not ok - ..."), numbered by run.sh.
//
//   java -cp postgresql.jar:. BiJdbc host port database user password
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

public class BiJdbc {
    private static String url;
    private static Properties base;
    private static int failed = 0;

    interface Check {
        String run() throws Exception;
    }

    /** Runs one check: "ok" when it returns want, "not ok" with what it got or raised. */
    static void check(String desc, String want, Check c) {
        String got;
        try {
            got = c.run();
        } catch (SQLException e) {
            got = "SQLSTATE " + e.getSQLState() + ": " + e.getMessage().replace('\n', ' ');
        } catch (Exception e) {
            got = e.toString().replace('\n', ' ');
        }
        if (want.equals(got)) {
            System.out.println("ok - jdbc: " + desc);
        } else {
            failed++;
            System.out.println("not ok - jdbc: " + desc);
            System.out.println("#   want: " + want);
            System.out.println("#   got:  " + got);
        }
    }

    static Connection connect(String... settings) throws SQLException {
        Properties p = new Properties();
        p.putAll(base);
        for (int i = 0; i + 1 < settings.length; i += 2) {
            p.setProperty(settings[i], settings[i + 1]);
        }
        return DriverManager.getConnection(url, p);
    }

    /** Rows of a prepared query, columns joined by '|', rows by ';', every
        parameter bound with setString (how Metabase binds filter values). */
    static String rows(Connection conn, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            return join(ps.executeQuery());
        }
    }

    static String join(ResultSet rs) throws SQLException {
        List<String> out = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            List<String> cols = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                cols.add(String.valueOf(rs.getString(i)));
            }
            out.add(String.join("|", cols));
        }
        rs.close();
        return String.join(";", out);
    }

    /** The same prepared statement executed 7 times: past pgjdbc's
        prepareThreshold (5) it is a named server statement and, with binary
        transfer on, results come back in binary; every run must agree. */
    static String repeated(Connection conn, String sql, String... params) throws SQLException {
        String first = null;
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int run = 0; run < 7; run++) {
                for (int i = 0; i < params.length; i++) {
                    ps.setString(i + 1, params[i]);
                }
                String r = join(ps.executeQuery());
                if (first == null) {
                    first = r;
                } else if (!first.equals(r)) {
                    return "run " + run + " gave " + r + " after " + first;
                }
            }
        }
        return first;
    }

    static void termsFilters(String mode, String... settings) {
        String tag = " [" + mode + "]";
        check("search_path has no ar_credit" + tag, "\"$user\", public",
              () -> { try (Connection c = connect(settings)) { return rows(c, "SHOW search_path"); } });
        check("terms = setString('net 30')" + tag, "101|30D;104|30D",
              () -> { try (Connection c = connect(settings)) {
                  return repeated(c, "SELECT id, terms FROM public.customer WHERE terms = ? ORDER BY id", "net 30"); } });
        check("terms IN (setString, setString)" + tag, "101;102;104",
              () -> { try (Connection c = connect(settings)) {
                  return repeated(c, "SELECT id FROM public.customer WHERE terms IN (?, ?) ORDER BY id",
                                  "30D", "45D+CM"); } });
        check("terms = 'net 30' literal, min(terms), max(terms)" + tag, "2|30D|45D+CM",
              () -> { try (Connection c = connect(settings)) {
                  return rows(c, "SELECT count(*) FILTER (WHERE terms = 'net 30'), min(terms), max(terms) FROM public.customer"); } });
        check("ar_credit.due_date(setString, setString)" + tag, "2024-02-29",
              () -> { try (Connection c = connect(settings)) {
                  return repeated(c, "SELECT ar_credit.due_date(?, ?::date)", "45 jours fin de mois", "2024-01-15"); } });
        check("ar_credit.due_date(setString, setDate)" + tag, "2024-02-14",
              () -> { try (Connection c = connect(settings);
                           PreparedStatement ps = c.prepareStatement("SELECT ar_credit.due_date(?, ?)")) {
                  ps.setString(1, "net 30");
                  ps.setDate(2, java.sql.Date.valueOf("2024-01-15"));
                  return join(ps.executeQuery()); } });
        check("bad terms in setString: 22P02 naming the value" + tag,
              "SQLSTATE 22P02: ERROR: invalid input syntax for type payment_terms: \"net thirty\"",
              () -> { try (Connection c = connect(settings)) {
                  String r = rows(c, "SELECT id FROM public.customer WHERE terms = ?", "net thirty");
                  return "no error: " + r; } catch (SQLException e) {
                      return "SQLSTATE " + e.getSQLState() + ": " + e.getMessage().split("\n")[0]; } });
    }

    static void binaryTerms() {
        check("binaryTransferEnable=payment_terms: terms::text still reads (documented workaround)", "101|30D",
              () -> { try (Connection c = connect()) {
                  String oid = rows(c, "SELECT 'ar_credit.payment_terms'::regtype::oid");
                  try (Connection b = connect("binaryTransferEnable", oid)) {
                      return repeated(b, "SELECT id, terms::text FROM public.customer WHERE id = 101"); } } });
        // the pitfall itself, reported but not asserted: pgjdbc cannot decode a
        // binary value of a type it does not know
        try (Connection c = connect()) {
            String oid = rows(c, "SELECT 'ar_credit.payment_terms'::regtype::oid");
            try (Connection b = connect("binaryTransferEnable", oid);
                 PreparedStatement ps = b.prepareStatement("SELECT terms FROM public.customer WHERE id = 101")) {
                List<String> runs = new ArrayList<>();
                for (int run = 0; run < 7; run++) {
                    runs.add(join(ps.executeQuery()));
                }
                System.out.println("# pitfall: binaryTransferEnable=payment_terms, getString(terms) in 7 runs: "
                                   + String.join(" ", runs) + " (binary from the named statement on)");
            }
        } catch (SQLException e) {
            System.out.println("# pitfall: binaryTransferEnable=payment_terms raised " + e.getSQLState());
        }
    }

    /** Column name:type_name of a relation as DatabaseMetaData.getColumns reports it (Metabase's sync). */
    static String columns(DatabaseMetaData md, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = md.getColumns(null, "ar_credit", table, null)) {
            while (rs.next()) {
                out.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME"));
            }
        }
        return String.join(",", out);
    }

    static void metadata() {
        check("getTables: the reader sees the three views", "aging_report:VIEW,dunning_due:VIEW,open_invoices:VIEW",
              () -> { try (Connection c = connect()) {
                  List<String> out = new ArrayList<>();
                  try (ResultSet rs = c.getMetaData().getTables(null, "ar_credit", "%", new String[] {"VIEW"})) {
                      while (rs.next()) {
                          String t = rs.getString("TABLE_NAME");
                          if (t.equals("aging_report") || t.equals("dunning_due") || t.equals("open_invoices")) {
                              out.add(t + ":" + rs.getString("TABLE_TYPE"));
                          }
                      }
                  }
                  return String.join(",", out); } });
        check("getColumns(aging_report): names and types (source text)",
              "source:text,customer_key:text,currency:text,current:numeric,d1_30:numeric,d31_60:numeric,"
              + "d61_90:numeric,over_90:numeric,total:numeric",
              () -> { try (Connection c = connect()) { return columns(c.getMetaData(), "aging_report"); } });
        check("getColumns(open_invoices): source text, aging_bucket_no int4 next to aging_bucket",
              "aging_bucket:text,aging_bucket_no:int4,source:text",
              () -> { try (Connection c = connect()) {
                  List<String> keep = new ArrayList<>();
                  for (String col : columns(c.getMetaData(), "open_invoices").split(",")) {
                      if (col.startsWith("source:") || col.startsWith("aging_bucket")) {
                          keep.add(col);
                      }
                  }
                  java.util.Collections.sort(keep);
                  return String.join(",", keep); } });
        check("getColumns(dunning_due): source text", "source:text",
              () -> { try (Connection c = connect()) {
                  return columns(c.getMetaData(), "dunning_due").split(",")[1]; } });
        check("getColumns: REMARKS carry the column comments (Metabase field descriptions)", "0",
              () -> { try (Connection c = connect();
                           ResultSet rs = c.getMetaData().getColumns(null, "ar_credit", "aging_report", null)) {
                  int missing = 0;
                  while (rs.next()) {
                      String r = rs.getString("REMARKS");
                      if (r == null || r.isEmpty()) {
                          missing++;
                      }
                  }
                  return String.valueOf(missing); } });
        check("getColumns(customer.terms): TYPE_NAME payment_terms", "id:int4,name:text,terms:\"ar_credit\".\"payment_terms\"",
              () -> { try (Connection c = connect();
                           ResultSet rs = c.getMetaData().getColumns(null, "public", "customer", null)) {
                  List<String> out = new ArrayList<>();
                  while (rs.next()) {
                      out.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME"));
                  }
                  return String.join(",", out); } });
    }

    public static void main(String[] args) throws Exception {
        url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/" + args[2];
        base = new Properties();
        base.setProperty("user", args[3]);
        base.setProperty("password", args[4]);
        base.setProperty("ApplicationName", "ar_credit driver test");
        try (Connection c = connect()) {
            System.out.println("# pgjdbc " + c.getMetaData().getDriverVersion() + ", server "
                               + c.getMetaData().getDatabaseProductVersion());
        }
        termsFilters("defaults");
        termsFilters("binaryTransfer=false", "binaryTransfer", "false");
        termsFilters("prepareThreshold=1", "prepareThreshold", "1");
        termsFilters("stringtype=unspecified", "stringtype", "unspecified");
        binaryTerms();
        metadata();
        MetabaseQuestions.run();
        System.exit(failed > 0 ? 1 : 0);
    }
}

// results.csv and results.json: exact text, quoting, and a JSON round trip.
#include "results/table.hpp"

#include <gtest/gtest.h>

namespace grhost::results {
namespace {

TEST(ResultsTable, CsvHasTheSpecColumnsAndShortestNumbers) {
  Row trial;
  trial.model = "m";
  trial.dataset = "d";
  trial.split = "test";
  trial.task = "fs";
  trial.plugin = "few-shot";
  trial.params = {{"shots", "5"}, {"score", "cosine"}};
  trial.metric = "accuracy";
  trial.trial = 3;
  trial.value = 0.8;
  Row summary = trial;
  summary.trial.reset();
  summary.is_summary = true;
  summary.value = summary.mean = 0.1 + 0.2;  // 0.30000000000000004 must survive
  summary.std = 0;
  summary.sem = 1e-5;
  summary.n = 10;
  EXPECT_EQ(rows_csv({trial, summary}),
            "model,dataset,split,task,plugin,params,metric,trial,value,mean,std,sem,n\n"
            "m,d,test,fs,few-shot,shots=5;score=cosine,accuracy,3,0.8,,,,\n"
            "m,d,test,fs,few-shot,shots=5;score=cosine,accuracy,,0.30000000000000004,0.30000000000000004,0,1e-05,10\n");

  auto back = rows_from_json(nlohmann::json::parse(rows_json({trial, summary}).dump()));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].trial, 3);
  EXPECT_EQ(back[0].params, trial.params);
  EXPECT_FALSE(back[1].trial.has_value());
  EXPECT_TRUE(back[1].is_summary);
  EXPECT_EQ(back[1].mean, 0.1 + 0.2);
  EXPECT_EQ(rows_csv(back), rows_csv({trial, summary}));
}

TEST(ResultsTable, FieldsWithCommasAreQuoted) {
  Row r;
  r.model = "a,b";
  r.metric = "say \"hi\"";
  const std::string csv = rows_csv({r});
  EXPECT_NE(csv.find("\"a,b\""), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"say \"\"hi\"\"\""), std::string::npos) << csv;
}

}  // namespace
}  // namespace grhost::results
